import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BootstrapOptions, envoyBootstrap } from '@plexus/daemon';
import {
  envoyAdminPort,
  envoyAdminPortZeroArgs,
  envoyBinary,
  type Started,
  startProcess,
} from '@plexus/testkit';

export interface EnvoyUnderTest {
  proc: Started;
  adminPort: number;
  admin(path: string): Promise<string>;
  /** One counter or gauge from /stats, 0 when absent. */
  stat(name: string): Promise<number>;
  log(): string;
}

/** Real Envoy started from `plexus bootstrap`'s document (admin on loopback port 0, read back). */
export async function startEnvoy(o: BootstrapOptions): Promise<EnvoyUnderTest> {
  return startEnvoyWith(envoyBootstrap({ ...o, adminPort: 0, adminAddress: '127.0.0.1' }), 0);
}

/**
 * Real Envoy with a bootstrap of the test's own (its admin on 127.0.0.1:`adminPort`). With `adminPort` 0 the
 * bootstrap's admin port must be 0 too: the port Envoy bound is read back.
 */
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
  const addressFile = join(dir, 'admin-address');
  const ids = adminPort === 0 ? envoyAdminPortZeroArgs(addressFile) : ['--base-id', String(adminPort)];
  const proc = startProcess(
    envoyBinary(),
    ['-c', file, '--disable-hot-restart', '--concurrency', '1', '-l', 'info', ...ids],
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
  let port = adminPort;
  if (port === 0) {
    try {
      port = await envoyAdminPort(addressFile, proc);
    } catch (err) {
      await proc.stop();
      throw new Error(`${(err as Error).message}\n${readLog(logFile)}`);
    }
  }
  const admin = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  return {
    proc,
    adminPort: port,
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

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
