/**
 * DiscoveryManager cost at scale with synchronous in-memory plugins:
 * `npx tsx packages/plugin-api/bench/discovery-manager.ts [nodes=5000] [runs=5]`.
 * Prints min/median/max of: first full emission, re-applying an unchanged spec, a 1% config change.
 */
import type { SpecResource } from '@plexus/spec';
import { DiscoveryManager, type DiscoveryPlugin, type EndpointSet } from '../src/index.ts';

const nodes = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 5);

const plugin: DiscoveryPlugin = {
  name: 'bench',
  keys: ['bench'],
  validateConfig: () => [],
  watch(target, sink) {
    const cfg = target.config as { n: number; v: number };
    sink.update(
      Array.from({ length: cfg.n }, (_, i) => ({
        address: `10.${cfg.v % 250}.${i >> 8}.${i & 255}`,
        port: 8080,
        health: 'healthy' as const,
      })),
    );
    return { dispose() {} };
  },
};

function resources(version: (i: number) => number): SpecResource[] {
  const position = { file: 'b.yaml', line: 1, col: 1 };
  return Array.from({ length: nodes }, (_, i) => ({
    kind: 'VirtualNode' as const,
    mesh: 'bench',
    name: `node-${i}`,
    spec: {
      listeners: [{ portMapping: { port: 8080 } }],
      serviceDiscovery: { bench: { n: 10, v: version(i) } },
    },
    format: 'native' as const,
    position,
    positionOf: () => position,
  }));
}

function timeIt(fn: () => EndpointSet[]): [number, number] {
  const t0 = performance.now();
  const sets = fn();
  return [performance.now() - t0, sets.length];
}

const results: Record<string, number[]> = { 'first emission': [], 'unchanged spec': [], '1% changed': [] };
const counts: Record<string, number> = {};
for (let r = 0; r < runs; r++) {
  const m = new DiscoveryManager({ plugins: [plugin], debounceMs: 1_000_000 });
  let last: EndpointSet[] = [];
  m.onChange((s) => {
    last = s;
  });
  const step = (name: string, res: SpecResource[]) => {
    const [ms, n] = timeIt(() => {
      last = [];
      m.setResources(res);
      m.flush();
      return last;
    });
    results[name].push(ms);
    counts[name] = n;
  };
  step(
    'first emission',
    resources(() => 0),
  );
  step(
    'unchanged spec',
    resources(() => 0),
  );
  step(
    '1% changed',
    resources((i) => (i % 100 === 0 ? 1 : 0)),
  );
  m.close();
}
for (const [name, xs] of Object.entries(results)) {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1);
  console.log(
    `${name.padEnd(16)} nodes=${nodes} sets emitted=${counts[name]}  min ${f(s[0])} ms  median ${f(s[Math.floor(s.length / 2)])} ms  max ${f(s[s.length - 1])} ms`,
  );
}
