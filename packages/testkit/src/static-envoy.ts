/**
 * A real Envoy running a translated config made static (no xDS, see toStaticBootstrap) on loopback, and the
 * plain HTTP pieces the traffic tests put around it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfigLike, toStaticBootstrap } from './envoy-validate.ts';
import { envoyBinary } from './paths.ts';
import { type Started, startProcess } from './processes.ts';

export interface StaticEnvoy {
  process: Started;
  /** Stops Envoy and removes its bootstrap directory. */
  stop(): Promise<void>;
}

export interface StaticEnvoyOptions {
  /** The bootstrap's node (its locality, say); default `plexus-validate`. */
  node?: Record<string, unknown>;
}

export function startStaticEnvoy(cfg: ConfigLike, name: string, o: StaticEnvoyOptions = {}): StaticEnvoy {
  const dir = mkdtempSync(join(tmpdir(), `plexus-${name}-`));
  const bootstrap = join(dir, 'envoy.json');
  const boot = toStaticBootstrap(cfg);
  writeFileSync(bootstrap, JSON.stringify(o.node ? { ...boot, node: o.node } : boot));
  const process = startProcess(envoyBinary(), [
    '-c',
    bootstrap,
    '--disable-hot-restart',
    '-l',
    'warn',
    '--concurrency',
    '1',
  ]);
  return {
    process,
    async stop() {
      await process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function listenOn(server: Server, port: number, host = '127.0.0.1'): Promise<Server> {
  await new Promise<void>((r) => server.listen(port, host, r));
  return server;
}

export function closeServer(s: Server | undefined): Promise<void> {
  return new Promise((r) => (s ? s.close(() => r()) : r()));
}

export interface HttpGetReply {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
}

/** node:http, not fetch: fetch will not send a Host header of our choosing. A fresh connection per request. */
export function httpGet(o: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}): Promise<HttpGetReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', ...o }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => {
        text += b.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
