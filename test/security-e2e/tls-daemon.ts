import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, type DaemonOptions, startDaemon } from '@plexus/daemon';
import { createTestCa, type IssuedCert, issueCert, type TestCa } from '@plexus/testkit';
import { pino } from 'pino';
import { fakeOverrides } from '../../packages/daemon/test/fakes.ts';

export interface TlsDaemon {
  daemon: Daemon;
  /** Signed the daemon's xDS server certificate (for 127.0.0.1): what clients trust. */
  ca: TestCa;
  /** The daemon's xDS server certificate (pass it again, with `ca`, to restart with the same identity). */
  cert: IssuedCert;
  stateDir: string;
  stop(): Promise<void>;
}

/** What a restarted daemon keeps: its state dir (CA, node token keys) and its xDS server certificate. */
export interface TlsDaemonReuse {
  stateDir: string;
  ca?: TestCa;
  cert?: IssuedCert;
}

/**
 * A daemon whose xDS port speaks TLS, with a fresh state dir and fake stages (no repo, no discovery): for the
 * tests of who may open which stream, where the mesh itself does not matter. `options.overrides: undefined`
 * runs the real stages on `options.repo`. With `reuse` it starts on that state dir and certificate, and
 * leaves the state dir in place on stop (its owner removes it).
 */
export async function startTlsDaemon(
  options: Partial<DaemonOptions> = {},
  reuse?: TlsDaemonReuse,
): Promise<TlsDaemon> {
  const stateDir = reuse?.stateDir ?? mkdtempSync(join(tmpdir(), 'plexus-tls-daemon-'));
  const ca = reuse?.ca ?? createTestCa();
  const cert = reuse?.cert ?? issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
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
    cert,
    stateDir,
    async stop() {
      await daemon.stop();
      if (!reuse) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
