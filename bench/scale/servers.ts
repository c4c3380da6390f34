import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '@plexus/daemon/node-flags';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
export const WORK = `${BENCH}.work`;
const PEER_SRC = `${BENCH}peer-gcp`;
const PEER_BIN = `${WORK}/peer-gcp`;

/** A serving-only xDS server process fed snapshot files. */
export interface SnapshotServer {
  name: string;
  pid: number;
  port: number;
  /** Installs the snapshot file; resolves once the server says it took it. */
  set(path: string): Promise<void>;
  /** Untimed work ahead of set() (the floor pre-encodes its responses). */
  prepare?(path: string): Promise<void>;
  stop(): Promise<void>;
}

/** Builds bench/peer-gcp into bench/.work unless the binary is newer than main.go. */
export function buildPeer(): string {
  mkdirSync(WORK, { recursive: true });
  const fresh = existsSync(PEER_BIN) && statSync(PEER_BIN).mtimeMs > statSync(`${PEER_SRC}/main.go`).mtimeMs;
  if (!fresh) execFileSync('go', ['build', '-o', PEER_BIN, '.'], { cwd: PEER_SRC, stdio: 'inherit' });
  return PEER_BIN;
}

function stopChild(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(timer);
      r();
    });
    p.kill('SIGTERM');
  });
}

/** envoyproxy/go-control-plane serving one snapshot to every node (stdin: snapshot paths; stdout: READY/SET). */
export async function startPeer(first: string): Promise<SnapshotServer> {
  const p = spawn(buildPeer(), ['-listen', '127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: p.stdout! });
  const waiters: { ok: (l: string) => void; fail: (e: Error) => void }[] = [];
  lines.on('line', (l) => waiters.shift()?.ok(l));
  p.once('exit', (code) => {
    for (const w of waiters.splice(0)) w.fail(new Error(`go-control-plane peer exited (${code})`));
  });
  const next = () => new Promise<string>((ok, fail) => waiters.push({ ok, fail }));
  const ready = next();
  const firstSet = next();
  p.stdin!.write(`${first}\n`);
  const port = Number((await ready).split(' ')[1]);
  await firstSet;
  return {
    name: 'go-control-plane',
    pid: p.pid!,
    port,
    async set(path) {
      const done = next();
      p.stdin!.write(`${path}\n`);
      await done;
    },
    stop: () => stopChild(p),
  };
}

/** The Plexus XdsServer alone, or the bare floor loop, in a child process (bench/scale/serve-child.ts). */
export async function startServeChild(
  mode: 'plexus' | 'floor',
  first: string,
  profile = false,
): Promise<SnapshotServer> {
  const p = fork(fileURLToPath(new URL('./serve-child.ts', import.meta.url)), [mode], {
    // The same runtime as the daemon, so the floor and Plexus differ only in the serving code.
    execArgv: [...DAEMON_NODE_FLAGS, ...(profile ? ['--cpu-prof', '--cpu-prof-dir', WORK] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((r, j) => {
    p.once('message', (m: { ready: number }) => r(m.ready));
    p.once('exit', (c) => j(new Error(`serve child ${mode} exited (${c})`)));
  });
  const ask = (kind: 'set' | 'prepare', path: string) =>
    new Promise<void>((r) => {
      const reply = kind === 'set' ? 'set' : 'prepared';
      const on = (m: Record<string, string>) => {
        if (m[reply] !== path) return;
        p.off('message', on);
        r();
      };
      p.on('message', on);
      p.send({ [kind]: path });
    });
  await ask('set', first);
  return {
    name: mode === 'plexus' ? 'plexus-xds' : 'floor',
    pid: p.pid!,
    port,
    set: (path) => ask('set', path),
    prepare: (path) => ask('prepare', path),
    stop: () => stopChild(p),
  };
}
