import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from './verify-signature.ts';

export interface WebhookHandlerOptions {
  /** Shared secret; without it deliveries are not authenticated (only for trusted networks). */
  secret?: string;
  /** Called for every accepted delivery (typically `source.refresh()`). */
  onTrigger: () => void;
  /** Largest body accepted (default 1 MiB); larger gets 413. */
  maxBodyBytes?: number;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A request handler for the daemon's HTTP server (the daemon mounts it on POST /webhook). Accepted → 202 and
 * onTrigger; bad or missing signature → 401; not POST → 405; body over the limit → 413. A GitHub "ping" is
 * answered 202 without a trigger.
 */
export function createWebhookHandler(
  opts: WebhookHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  return (req, res) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      reply(res, 405, { error: 'method not allowed' });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reply(res, 413, { error: `body larger than ${limit} bytes` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    req.on('data', (chunk: Buffer) => {
      if (aborted) return;
      size += chunk.length;
      if (size > limit) {
        aborted = true;
        chunks.length = 0;
        reply(res, 413, { error: `body larger than ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      aborted = true;
    });
    req.on('end', () => {
      if (aborted) return;
      const verdict = verifyWebhook(opts.secret, req.headers, Buffer.concat(chunks));
      if (!verdict.ok) {
        reply(res, 401, { error: verdict.reason });
        return;
      }
      reply(res, 202, { accepted: true, via: verdict.via });
      if (req.headers['x-github-event'] === 'ping') return;
      try {
        opts.onTrigger();
      } catch {
        // the trigger's failure must not break the HTTP server
      }
    });
  };
}
