import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envoyBinary, type Started, startProcess, toStaticBootstrap } from '@plexus/testkit';
import type { EnvoyConfig } from '@plexus/translate';

/** A real Envoy running a translated config made static (no xDS), on loopback. */
export interface StaticEnvoy {
  process: Started;
  /** Stops Envoy and removes its bootstrap directory. */
  stop(): Promise<void>;
}

export function startStaticEnvoy(cfg: EnvoyConfig, name: string): StaticEnvoy {
  const dir = mkdtempSync(join(tmpdir(), `plexus-${name}-`));
  const bootstrap = join(dir, 'envoy.json');
  writeFileSync(bootstrap, JSON.stringify(toStaticBootstrap(cfg)));
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

export async function listenOn(server: Server, port: number, host: string): Promise<Server> {
  await new Promise<void>((r) => server.listen(port, host, r));
  return server;
}

/** node:http, not fetch: fetch will not send a Host header of our choosing. */
export function httpGet(o: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', ...o }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => {
        text += b.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}
