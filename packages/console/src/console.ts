import type { IncomingMessage, ServerResponse } from 'node:http';
import { appBundle, staticAsset } from './assets.ts';
import { type ConsoleGraph, consoleGraph, edgeTraffic } from './model.ts';
import type { ConsoleSource } from './source.ts';

export interface ConsoleOptions {
  /** An edge turns red above this error rate (0..1). Default 0.05. */
  errorThreshold?: number;
  /** How often live traffic is pushed to open consoles (ms). Default 1000. */
  tickMs?: number;
}

export interface ConsoleMount {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface WebConsole {
  /** `/ui` (the app) and `/api/v1/console` (its JSON and live events), to mount on the daemon's HTTP listener. */
  mounts: ConsoleMount[];
  /** Open live-update streams. */
  readonly clients: number;
  stop(): void;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

function send(res: ServerResponse, code: number, body: string | Buffer, type: string): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function json(res: ServerResponse, value: unknown, code = 200): void {
  send(res, code, `${JSON.stringify(value)}\n`, 'application/json');
}

function windowOf(url: URL): number {
  const w = Number(url.searchParams.get('window') ?? 10);
  return Number.isFinite(w) && w > 0 ? Math.min(60, Math.round(w)) : 10;
}

/** The web console: the mesh graph with live traffic, the proxies and the revision history. */
export function createConsole(source: ConsoleSource, o: ConsoleOptions = {}): WebConsole {
  const threshold = o.errorThreshold ?? 0.05;
  const tickMs = o.tickMs ?? 1000;
  let cached: ConsoleGraph | undefined;
  const graph = (): ConsoleGraph | undefined => {
    const g = source.graph();
    if (!g) return undefined;
    if (cached?.revision !== g.revision) cached = consoleGraph(g.revision, g.graph);
    return cached;
  };
  const traffic = (windowSeconds: number) => {
    const doc = source.edges(windowSeconds);
    const g = graph();
    return {
      at: doc?.at ?? new Date().toISOString(),
      windowSeconds,
      errorThreshold: threshold,
      telemetry: doc !== undefined,
      revision: g?.revision ?? null,
      edges: doc && g ? edgeTraffic(g, doc) : {},
    };
  };

  const streams = new Set<ServerResponse>();
  const events = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const w = windowOf(url);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      ...SECURITY_HEADERS,
    });
    const push = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    push('hello', { revision: source.applied(), tickMs });
    push('traffic', traffic(w));
    const unsubscribe = source.onChange((what) => push(what, { revision: source.applied() }));
    const timer = setInterval(() => push('traffic', traffic(w)), tickMs);
    streams.add(res);
    const close = () => {
      clearInterval(timer);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', close);
    res.on('error', close);
  };

  const api = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET') return send(res, 405, 'only GET\n', 'text/plain; charset=utf-8');
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname.slice('/api/v1/console'.length);
    switch (path) {
      case '/graph': {
        const g = graph();
        return g ? json(res, g) : json(res, { error: 'no revision applied yet' }, 503);
      }
      case '/traffic':
        return json(res, traffic(windowOf(url)));
      case '/proxies':
        return json(res, source.proxies());
      case '/rollouts':
        return json(res, source.rollouts());
      case '/revisions':
        return json(res, source.revisions(url.searchParams.get('source') ?? undefined));
      case '/node': {
        const key = url.searchParams.get('proxy') ?? '';
        const m = /^mesh\/([^/]+)\/(virtualNode|virtualGateway)\/([^/]+)$/.exec(key);
        if (!m)
          return json(res, { error: 'proxy must be mesh/<mesh>/virtualNode|virtualGateway/<name>' }, 400);
        return json(res, {
          proxyKey: key,
          sync: source.proxies().filter((p) => p.proxyKey === key),
          endpoints: m[2] === 'virtualNode' ? (source.endpoints(m[1]!, m[3]!) ?? null) : null,
          config: source.proxyConfig(key) ?? null,
        });
      }
      case '/events':
        return events(req, res, url);
      default:
        return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
    }
  };

  const ui = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'only GET\n', 'text/plain; charset=utf-8');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/ui') {
      res.writeHead(308, { location: '/ui/', ...SECURITY_HEADERS });
      return void res.end();
    }
    if (path === '/ui/' || path === '/ui/index.html') {
      const a = staticAsset('index.html');
      return send(res, 200, a.body, a.type);
    }
    if (path === '/ui/app.css') {
      const a = staticAsset('app.css');
      return send(res, 200, a.body, a.type);
    }
    if (path === '/ui/app.js') {
      const a = await appBundle();
      return send(res, 200, a.body, a.type);
    }
    return send(res, 404, 'not found\n', 'text/plain; charset=utf-8');
  };

  return {
    mounts: [
      { prefix: '/ui', handle: ui },
      { prefix: '/api/v1/console', handle: api },
    ],
    get clients() {
      return streams.size;
    },
    stop() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
