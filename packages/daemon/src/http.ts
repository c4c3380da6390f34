import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DaemonMetrics } from './metrics.ts';
import type { WebhookHandler } from './stages.ts';
import type { StatusStore } from './status.ts';

/** A capability's routes under one path prefix (the console at /ui, telemetry's JSON, the App Mesh API, ...). */
export interface HttpMount {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface HttpDeps {
  status: StatusStore;
  metrics: DaemonMetrics;
  webhook?: WebhookHandler;
  /** Tried in order for paths the fixed routes do not answer. */
  mounts?: HttpMount[];
  log: Logger;
  /** Further routes by `METHOD /path` (each capability mounts its own; see login-http.ts). */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
  /** Decides who may call a route: undefined lets the request through, a string refuses it with 401. */
  guard?: (route: string, req: IncomingMessage) => string | undefined;
}

function mountFor(mounts: HttpMount[] | undefined, path: string): HttpMount | undefined {
  return mounts?.find((m) => path === m.prefix || path.startsWith(`${m.prefix}/`));
}

function send(res: ServerResponse, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'content-type': type });
  res.end(body);
}

/** The daemon's HTTP surface (DESIGN.md "HTTP"): health, readiness, metrics, status and the webhook. */
export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${path}`;
    const refused = deps.guard?.(route, req);
    if (refused) {
      deps.log.warn({ route, from: req.socket.remoteAddress, reason: refused }, 'http request refused');
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
      res.end(`${refused}\n`);
      return;
    }
    const handle = async () => {
      switch (route) {
        case 'GET /healthz':
          return send(res, 200, 'ok\n');
        case 'GET /readyz':
          return deps.status.applied
            ? send(res, 200, 'ready\n')
            : send(res, 503, 'no revision applied yet\n');
        case 'GET /metrics':
          deps.status.refreshGauges();
          return send(
            res,
            200,
            (await deps.metrics.registry.metrics()) + deps.metrics.textSources.map((f) => f()).join(''),
            deps.metrics.registry.contentType,
          );
        case 'GET /api/v1/status':
          return send(res, 200, `${JSON.stringify(deps.status.document())}\n`, 'application/json');
        case 'POST /webhook':
          if (!deps.webhook) return send(res, 404, 'this source takes no webhook\n');
          // A refused delivery (bad signature, wrong method, too large) leaves a trace for the operator.
          res.once('finish', () => {
            if (res.statusCode >= 400) {
              deps.log.warn(
                { status: res.statusCode, from: req.socket.remoteAddress },
                'webhook delivery refused',
              );
            }
          });
          return deps.webhook(req, res);
        default: {
          const mounted = deps.routes?.[route];
          if (mounted) return mounted(req, res);
          const mount = mountFor(deps.mounts, path);
          if (mount) return mount.handle(req, res);
          return send(res, 404, 'not found\n');
        }
      }
    };
    handle().catch((err) => {
      deps.log.error({ err, route }, 'http handler failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.end();
    });
  };
}

/** Splits `host:port` (IPv6 as `[::1]:9090`). */
export function parseHostPort(hostPort: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(hostPort);
  if (!m) throw new Error(`expected HOST:PORT, got '${hostPort}'`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

export async function listenHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  hostPort: string,
): Promise<{ server: Server; port: number }> {
  const { host, port } = parseHostPort(hostPort);
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
