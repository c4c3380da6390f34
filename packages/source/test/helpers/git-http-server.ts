import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitHttpServer {
  /** http://127.0.0.1:PORT/<name> */
  url(name: string): string;
  /** Upload-pack requests that asked for objects (a real fetch, not a ref listing). */
  fetches: number;
  /** Ref listings (GET info/refs, or protocol v2 ls-refs). */
  listings: number;
  /** Requests turned away for a missing or wrong token. */
  unauthorized: number;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme, value] = h.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value ?? '', 'base64').toString();
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

/**
 * The real `git http-backend` (CGI) behind a small Node HTTP server on 127.0.0.1, serving every repository
 * under `root`. With `token`, each request must carry it (Basic password or Bearer), as a forge would demand.
 */
export async function startGitHttpServer(
  root: string,
  token?: string,
  /** 0: any free port; a fixed one brings a stopped server back at the same URL. */
  listenPort = 0,
): Promise<GitHttpServer> {
  const state = { fetches: 0, listings: 0, unauthorized: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (token !== undefined && tokenOf(req) !== token) {
      state.unauthorized++;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="plexus-test"', 'content-type': 'text/plain' });
      res.end('unauthorized');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname.endsWith('/info/refs')) state.listings++;
    if (url.pathname.endsWith('/git-upload-pack')) {
      const text = body.toString('latin1');
      if (text.includes('want ')) state.fetches++;
      else if (text.includes('command=ls-refs')) state.listings++;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(body.length),
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: token ? 'tester' : '',
      GATEWAY_INTERFACE: 'CGI/1.1',
    };
    const proto = req.headers['git-protocol'];
    if (typeof proto === 'string') env.GIT_PROTOCOL = proto;
    const enc = req.headers['content-encoding'];
    if (typeof enc === 'string') env.HTTP_CONTENT_ENCODING = enc;

    const cgi = spawn(HTTP_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    cgi.stdout.on('data', (c: Buffer) => out.push(c));
    cgi.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    cgi.stdin.on('error', () => {});
    cgi.stdin.end(body);
    const code = await new Promise<number | null>((r) => cgi.on('close', (c) => r(c)));
    const raw = Buffer.concat(out);
    let split = raw.indexOf('\r\n\r\n');
    let sepLen = 4;
    if (split < 0) {
      split = raw.indexOf('\n\n');
      sepLen = 2;
    }
    if (split < 0) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git-http-backend exited ${code}: ${err}`);
      return;
    }
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of raw.subarray(0, split).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i < 0) continue;
      const name = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.end(raw.subarray(split + sepLen));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(listenPort, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    get fetches() {
      return state.fetches;
    },
    get listings() {
      return state.listings;
    },
    get unauthorized() {
      return state.unauthorized;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
