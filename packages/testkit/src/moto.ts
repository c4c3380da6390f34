import { motoServerBinary } from './paths.ts';
import { waitFor } from './ports.ts';
import { startProcess } from './processes.ts';

/** Credentials moto accepts (any value works; these make intent obvious). */
export const motoCredentials = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const motoRegion = 'us-east-1';

export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass as the SDK client `endpoint`. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Drops all state held by this server (POST /moto-api/reset). */
  reset(): Promise<void>;
  /**
   * Sets how a moto model advances its state (moto's state manager), e.g.
   * `setTransition('ecs::task', { progression: 'manual', times: 1_000_000 })` keeps ECS tasks RUNNING
   * (by default moto advances a task towards STOPPED on every DescribeTasks).
   */
  setTransition(model: string, transition: Record<string, unknown>): Promise<void>;
  /** Ends this moto process only (by pid). */
  stop(): Promise<void>;
}

/**
 * Starts `moto_server` (from .venv) on 127.0.0.1 port 0, reads the port the OS gave it from its start-up line,
 * and resolves once it answers HTTP (no probe-then-bind race with other processes on a busy machine). Sets the
 * AWS_* credential and region variables of this process to test values so SDK clients never reach real AWS.
 */
export async function startMoto(): Promise<MotoServer> {
  process.env.AWS_ACCESS_KEY_ID = motoCredentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = motoCredentials.secretAccessKey;
  process.env.AWS_REGION = motoRegion;
  process.env.AWS_DEFAULT_REGION = motoRegion;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const proc = startProcess(motoServerBinary(), ['-H', '127.0.0.1', '-p', '0'], {
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', PYTHONUNBUFFERED: '1' },
  });
  let endpoint = '';
  try {
    await waitFor(
      () => {
        if (proc.proc.exitCode !== null) throw new Error('exited');
        const port = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.output())?.[1];
        if (port) endpoint = `http://127.0.0.1:${port}`;
        return port !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: 'moto_server to print its port' },
    );
    await waitFor(
      async () => {
        if (proc.proc.exitCode !== null) throw new Error('exited');
        const res = await fetch(`${endpoint}/moto-api/data.json`);
        return res.ok;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `moto_server on ${endpoint || 'port 0'}` },
    );
  } catch (err) {
    await proc.stop();
    throw new Error(`${(err as Error).message}\n${proc.output().slice(-2000)}`);
  }
  return {
    endpoint,
    region: motoRegion,
    credentials: { ...motoCredentials },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async setTransition(model, transition) {
      const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: model, transition }),
      });
      if (!res.ok) throw new Error(`moto set-transition failed: HTTP ${res.status}`);
    },
    stop: () => proc.stop(),
  };
}

/** One AWS API request seen by a `FaultProxy`. */
export interface ProxiedRequest {
  /** API action: from `X-Amz-Target` (JSON protocols) or the `Action` form field (query protocols like EC2). */
  action: string;
  body: string;
}

/** What a fault hook returns for a request: nothing (pass through), a canned response, or a response rewrite. */
export type FaultAction =
  | undefined
  | { respond: { status: number; body: string; contentType?: string } }
  | { rewrite: (responseBody: string) => string };

export interface FaultProxy {
  /** Point SDK clients here instead of at moto. */
  endpoint: string;
  /** Every request so far, oldest first. */
  requests: ProxiedRequest[];
  /** Replaces the hook deciding each request's fate (`() => undefined` passes everything through). */
  setFault(hook: (req: ProxiedRequest) => FaultAction): void;
  stop(): Promise<void>;
}

/** A JSON-protocol (ECS, Cloud Map) throttling answer. */
export function jsonThrottle(type = 'ThrottlingException'): FaultAction {
  return {
    respond: {
      status: 400,
      body: JSON.stringify({ __type: type, message: 'Rate exceeded' }),
      contentType: 'application/x-amz-json-1.1',
    },
  };
}

/** An EC2 query-protocol throttling answer (`RequestLimitExceeded`). */
export function ec2Throttle(): FaultAction {
  return {
    respond: {
      status: 503,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>',
      contentType: 'text/xml',
    },
  };
}

/**
 * A thin HTTP proxy in front of moto for behaviours moto lacks (throttling, API limits, task states): each
 * request goes through `hook`, which may answer it, rewrite moto's answer, or let it through.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const { createServer } = await import('node:http');
  let hook: (req: ProxiedRequest) => FaultAction = () => undefined;
  const requests: ProxiedRequest[] = [];
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const action =
        typeof target === 'string'
          ? (target.split('.').pop() ?? '')
          : (new URLSearchParams(body).get('Action') ?? '');
      const seen = { action, body };
      requests.push(seen);
      const fault = hook(seen);
      if (fault && 'respond' in fault) {
        res.writeHead(fault.respond.status, {
          'content-type': fault.respond.contentType ?? 'application/json',
          'x-amzn-requestid': 'fault-proxy',
        });
        res.end(fault.respond.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection')
          headers[k] = v;
      }
      const up = await fetch(`${upstream}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      let text = await up.text();
      if (fault && 'rewrite' in fault) text = fault.rewrite(text);
      const outHeaders: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (
          k !== 'content-length' &&
          k !== 'content-encoding' &&
          k !== 'transfer-encoding' &&
          k !== 'connection'
        ) {
          outHeaders[k] = v;
        }
      });
      res.writeHead(up.status, outHeaders);
      res.end(text);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setFault(h) {
      hook = h;
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
