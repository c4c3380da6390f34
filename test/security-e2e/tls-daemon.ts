import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, type DaemonOptions, startDaemon } from '@plexus/daemon';
import { createTestCa, issueCert, type TestCa } from '@plexus/testkit';
import { pino } from 'pino';
import { fakeOverrides } from '../../packages/daemon/test/fakes.ts';

export interface TlsDaemon {
  daemon: Daemon;
  /** Signed the daemon's xDS server certificate (for 127.0.0.1): what clients trust. */
  ca: TestCa;
  stateDir: string;
  stop(): Promise<void>;
}

/**
 * A daemon whose xDS port speaks TLS, with a fresh state dir and fake stages (no repo, no discovery): for the
 * tests of who may open which stream, where the mesh itself does not matter.
 */
export async function startTlsDaemon(options: Partial<DaemonOptions> = {}): Promise<TlsDaemon> {
  const stateDir = mkdtempSync(join(tmpdir(), 'plexus-tls-daemon-'));
  const ca = createTestCa();
  const cert = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
  const daemon = await startDaemon({
    repo: '/nowhere',
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    xdsTls: { certFile: cert.certFile, keyFile: cert.keyFile },
    stateDir,
    logger: pino({ level: 'silent' }),
    overrides: fakeOverrides(),
    ...options,
  });
  return {
    daemon,
    ca,
    stateDir,
    async stop() {
      await daemon.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
