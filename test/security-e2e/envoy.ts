import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BootstrapOptions, envoyBootstrap } from '@plexus/daemon';
import { envoyBinary, freePort, type Started, startProcess } from '@plexus/testkit';

export interface EnvoyUnderTest {
  proc: Started;
  adminPort: number;
  admin(path: string): Promise<string>;
  /** One counter or gauge from /stats, 0 when absent. */
  stat(name: string): Promise<number>;
  log(): string;
}

/** Real Envoy started from `plexus bootstrap`'s document (admin on a free loopback port). */
export async function startEnvoy(o: BootstrapOptions): Promise<EnvoyUnderTest> {
  const adminPort = await freePort();
  return startEnvoyWith(envoyBootstrap({ ...o, adminPort, adminAddress: '127.0.0.1' }), adminPort);
}

/** Real Envoy with a bootstrap of the test's own (its admin on 127.0.0.1:`adminPort`). */
export async function startEnvoyWith(
  bootstrap: Record<string, unknown>,
  adminPort: number,
  env: Record<string, string> = {},
): Promise<EnvoyUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-sec-envoy-'));
  const file = join(dir, 'envoy.json');
  writeFileSync(file, JSON.stringify(bootstrap));
  const logFile = join(dir, 'envoy.log');
  const out = openSync(logFile, 'w');
  const proc = startProcess(
    envoyBinary(),
    ['-c', file, '--disable-hot-restart', '--concurrency', '1', '-l', 'info', '--base-id', String(adminPort)],
    { stdio: ['ignore', out, out], env: { ...process.env, ...env } },
  );
  let log = '';
  proc.proc.once('exit', () => {
    closeSync(out);
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  });
  const admin = async (path: string) => (await fetch(`http://127.0.0.1:${adminPort}${path}`)).text();
  return {
    proc,
    adminPort,
    admin,
    async stat(name) {
      const text = await admin(`/stats?filter=${encodeURIComponent(`^${name.replace(/\./g, '\\.')}$`)}`);
      const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
      return line ? Number(line.split(':')[1]) : 0;
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return log;
      }
    },
  };
}
