import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsIamLogin, NodeTokenKeys, parseDuration, type SignedStsRequest } from '@plexus/security';
import type { Logger } from 'pino';
import type { DaemonOptions } from './options.ts';

const MAX_BODY = 64 * 1024;

function reply(res: ServerResponse, code: number, body: object): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(c as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** `mesh/...` keys as given, App Mesh ARNs as their `mesh/...` tail. */
function canonicalNode(node: string): string {
  return /^arn:aws:appmesh:[^:]*:[^:]*:(mesh\/.+)$/.exec(node)?.[1] ?? node;
}

/**
 * `POST /api/v1/login/aws` {node, request: {method, url, headers, body}}: exchanges a presigned sts:GetCallerIdentity request for a node
 * token (`plexus login aws`). Mounted when `identity.aws` is configured and the daemon has a --state-dir.
 */
type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function loginRoutes(options: DaemonOptions, trustDomain: string, log: Logger): Record<string, Route> {
  const aws = options.identity?.aws;
  if (!aws || !options.stateDir) return {};
  const login = new AwsIamLogin(
    {
      serverId: aws.serverId ?? trustDomain,
      stsEndpoint: aws.stsEndpoint,
      bindings: aws.bindings,
      tokenTtlMs: parseDuration(aws.tokenTtl),
    },
    new NodeTokenKeys(options.stateDir),
  );
  return {
    'POST /api/v1/login/aws': async (req: IncomingMessage, res: ServerResponse) => {
      let body: Record<string, unknown>;
      try {
        body = await readJson(req);
      } catch (err) {
        return reply(res, 400, {
          error: `expected JSON {node, request: {method, url, headers, body}}: ${(err as Error).message}`,
        });
      }
      const request = body.request as Record<string, unknown> | undefined;
      if (
        typeof body.node !== 'string' ||
        typeof request?.url !== 'string' ||
        typeof request.headers !== 'object'
      ) {
        return reply(res, 400, { error: 'expected JSON {node, request: {method, url, headers, body}}' });
      }
      const node = canonicalNode(body.node);
      const r = await login.login(node, request as unknown as SignedStsRequest);
      if ('refusal' in r) {
        log.warn({ node, from: req.socket.remoteAddress, reason: r.refusal }, 'aws login refused');
        return reply(res, r.status, { error: r.refusal });
      }
      log.info(
        { node, principal: r.principalArn, from: req.socket.remoteAddress },
        'aws login: node token issued',
      );
      return reply(res, 200, { token: r.token, expiresAt: new Date(r.expiresAt).toISOString() });
    },
  };
}
