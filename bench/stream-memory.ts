/**
 * bench:stream-memory — what one connected proxy costs the server in memory, and how much of it is the
 * transport: a bare node:http2 server (one request stream per connection), a bare grpc-js ADS loop (the
 * floor), and Plexus's XdsServer with SotW and with delta clients. Each server runs alone in a child with the
 * daemon's V8 flags; after N clients (one connection each, as a fleet of Envoys) hold their streams, it is
 * measured after a full GC against itself before they came: RSS and JS heap per connection, and nghttp2's own
 * allocations (the HTTP/2 library under node:http2, read from a heap snapshot, where Node reports them).
 *
 *   npm run bench:stream-memory -- [--streams 3000] [--runs 3] [--no-write]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../packages/daemon/src/node-flags.ts';
import { Fleet } from './scale/fleet.ts';
import { machine } from './scale/proc-stats.ts';
import { commandLine, type Figure, publish, spread } from './scale/report.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg('streams', '3000'));
const RUNS = Number(arg('runs', '3'));
const here = (f: string) => fileURLToPath(new URL(`./stream-memory/${f}`, import.meta.url));

type Kind = 'node:http2' | 'grpc-js floor' | 'plexus-xds SotW' | 'plexus-xds delta';
const KINDS: Kind[] = ['node:http2', 'grpc-js floor', 'plexus-xds SotW', 'plexus-xds delta'];
const MODE: Record<Kind, string> = {
  'node:http2': 'http2',
  'grpc-js floor': 'grpc-floor',
  'plexus-xds SotW': 'plexus-xds',
  'plexus-xds delta': 'plexus-xds',
};

interface Usage {
  rss: number;
  heapUsed: number;
}
interface Run {
  rssKb: number;
  heapKb: number;
  nghttp2Kb: number;
}

function ask<T>(kid: ChildProcess, msg: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      kid.off('message', on);
      resolve(m[key] as T);
    };
    kid.on('message', on);
    kid.send(msg);
  });
}

/** Bytes nghttp2 holds, as Node reports them in a heap snapshot (nodes named "nghttp2_memory"). */
function nghttp2Bytes(path: string): number {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  const fields = s.snapshot.meta.node_fields as string[];
  const [name, size] = [fields.indexOf('name'), fields.indexOf('self_size')];
  const nodes = s.nodes as number[];
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length)
    if ((s.strings[nodes[i + name]] as string).endsWith('nghttp2_memory')) total += nodes[i + size];
  return total;
}

async function clients(kind: Kind, port: number): Promise<() => Promise<void>> {
  if (kind === 'node:http2') {
    const kid = fork(here('http2-clients.ts'), [String(port), String(N)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise((r) => kid.once('message', r));
    return async () => {
      kid.kill();
    };
  }
  const variant = kind === 'plexus-xds delta' ? 'delta' : 'sotw';
  const fleet = await Fleet.start(
    `127.0.0.1:${port}`,
    Array.from({ length: N }, (_, idx) => ({ idx, node: `mesh/bench/virtualNode/n-${idx}`, variant })),
    Math.max(1, Math.ceil(N / 2000)),
  );
  const deadline = Date.now() + 120_000;
  while (fleet.converged.size < N) {
    if (Date.now() > deadline)
      throw new Error(`${kind}: ${fleet.converged.size} of ${N} clients converged in 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => fleet.stop();
}

async function once(kind: Kind, work: string): Promise<Run> {
  const server = fork(here('server-child.ts'), [MODE[kind]], {
    execArgv: ['--expose-gc', ...DAEMON_NODE_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((r) =>
      server.once('message', (m: { ready: number }) => r(m.ready)),
    );
    const before = await ask<Usage>(server, { measure: true }, 'measured');
    const stop = await clients(kind, port);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await ask<Usage>(server, { measure: true }, 'measured');
    // after the RSS reading: writing a snapshot grows the process; before the clients there is no session
    const snap = join(work, 'after.heapsnapshot');
    await ask(server, { snapshot: snap }, 'snapped');
    await stop();
    const per = (a: number, b: number) => (b - a) / N / 1024;
    return {
      rssKb: per(before.rss, after.rss),
      heapKb: per(before.heapUsed, after.heapUsed),
      nghttp2Kb: per(0, nghttp2Bytes(snap)),
    };
  } finally {
    server.kill();
  }
}

const load0 = loadavg()[0];
const work = mkdtempSync(join(tmpdir(), 'plexus-bench-stream-memory-'));
const runs = new Map<Kind, Run[]>();
try {
  for (let r = 0; r < RUNS; r++)
    for (const kind of KINDS) {
      const x = await once(kind, work);
      console.log(
        `${kind} run ${r + 1}: RSS ${x.rssKb.toFixed(1)} KB, JS heap ${x.heapKb.toFixed(1)} KB, nghttp2 ${x.nghttp2Kb.toFixed(1)} KB per connection`,
      );
      runs.set(kind, [...(runs.get(kind) ?? []), x]);
    }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const load1 = loadavg()[0];

const fig = (figure: string, xs: number[], goal?: string): Figure => ({
  figure,
  unit: 'KB',
  goal,
  ...spread(xs.map((x) => Math.round(x * 10) / 10)),
});
const figures: Figure[] = [];
for (const kind of KINDS) {
  const xs = runs.get(kind)!;
  figures.push(
    fig(
      `${kind}: RSS per connection`,
      xs.map((x) => x.rssKb),
      kind.startsWith('plexus') ? '≤ 25' : undefined,
    ),
    fig(
      `${kind}: JS heap used per connection`,
      xs.map((x) => x.heapKb),
    ),
    fig(
      `${kind}: nghttp2 memory per connection`,
      xs.map((x) => x.nghttp2Kb),
    ),
  );
}
const floor = runs.get('grpc-js floor')!;
for (const kind of ['plexus-xds SotW', 'plexus-xds delta'] as const)
  figures.push(
    fig(
      `${kind} JS heap above the grpc-js floor, per connection`,
      runs.get(kind)!.map((x, i) => x.heapKb - floor[i].heapKb),
    ),
  );

publish(
  {
    name: 'stream-memory',
    title: 'Memory per connected proxy: npm run bench:stream-memory',
    command: commandLine('bench:stream-memory'),
    note:
      `${N} clients per server, one HTTP/2 connection and one ADS stream each (SotW clients subscribe to 30 EDS names), ` +
      `${RUNS} runs; each server alone in a child with the daemon's V8 flags (${DAEMON_NODE_FLAGS.join(' ')}), measured after a full GC ` +
      `against itself before the clients came. nghttp2 is the HTTP/2 library inside node:http2; Node reports its allocations in heap ` +
      `snapshots. Load average ${load0.toFixed(2)} → ${load1.toFixed(2)}.`,
    figures,
    loadAverage: { start: load0, end: load1 },
    raw: Object.fromEntries(runs),
  },
  machine(),
);
process.exit(0);
