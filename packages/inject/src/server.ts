/**
 * The webhook's HTTPS server: POST /mutate/enabled, /mutate/disabled (AdmissionReview v1; the path carries the
 * namespace's label (`/mutate?namespace=...` works too), see the MutatingWebhookConfiguration), GET /healthz, GET /readyz (200 once mesh specs are
 * loaded). TLS certificate and key come from files and are re-read when they change (cert-manager rotation).
 */
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { BadReview, type NamespaceDefault, type ReviewContext, reviewPod } from './review.ts';

const MAX_BODY = 4 * 1024 * 1024;

export interface WebhookServerOptions {
  certFile: string;
  keyFile: string;
  host: string;
  port: number;
  /** The current context (the index changes with each good revision). */
  context: () => Omit<ReviewContext, 'namespaceDefault'>;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: object) => void;
  /** How often the TLS files are checked for a change. Default 30 s. */
  reloadIntervalMs?: number;
}

export interface WebhookServer {
  port: number;
  server: Server;
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': type });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BadReview(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookServer(o: WebhookServerOptions): Promise<WebhookServer> {
  const log = o.log ?? (() => {});
  const mtimes = () => `${statSync(o.certFile).mtimeMs}:${statSync(o.keyFile).mtimeMs}`;
  let seen = mtimes();
  const server = createServer(
    { cert: readFileSync(o.certFile), key: readFileSync(o.keyFile), requestTimeout: 10_000 },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://webhook');
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /healthz') return send(res, 200, 'ok\n');
      if (route === 'GET /readyz') {
        return o.context().index ? send(res, 200, 'ready\n') : send(res, 503, 'no mesh specs loaded yet\n');
      }
      const m = /^POST \/mutate(?:\/(enabled|disabled))?$/.exec(route);
      if (!m) return send(res, 404, 'not found\n');
      const ns = m[1] ?? url.searchParams.get('namespace');
      const namespaceDefault: NamespaceDefault = ns === 'enabled' || ns === 'disabled' ? ns : undefined;
      readBody(req)
        .then((text) => {
          const review = reviewPod(JSON.parse(text), { ...o.context(), namespaceDefault });
          const r = review.response!;
          if (!r.allowed) log('warn', 'pod refused', { uid: r.uid, reason: r.status?.message });
          else if (r.patch) log('info', 'sidecar injected', { uid: r.uid });
          send(res, 200, JSON.stringify(review), 'application/json');
        })
        .catch((err: Error) => {
          const bad = err instanceof BadReview || err instanceof SyntaxError;
          log(bad ? 'warn' : 'error', 'admission review failed', { err: err.message });
          send(res, bad ? 400 : 500, `${bad ? 'bad request' : 'internal error'}: ${err.message}\n`);
        });
    },
  );
  const timer = setInterval(() => {
    try {
      const now = mtimes();
      if (now === seen) return;
      server.setSecureContext({ cert: readFileSync(o.certFile), key: readFileSync(o.keyFile) });
      seen = now;
      log('info', 'TLS certificate reloaded', { cert: o.certFile });
    } catch (err) {
      log('warn', 'could not reload the TLS certificate; keeping the old one', {
        err: (err as Error).message,
      });
    }
  }, o.reloadIntervalMs ?? 30_000);
  timer.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((r) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
