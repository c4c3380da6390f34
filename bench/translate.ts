/**
 * Translation benchmark: a generated 1,000-node mesh (each node with 3 backends, each backend a router with two
 * weighted targets), translated in full, then re-translated after one route changes, translating only the
 * proxies affectedProxies names, with the previous graph handed to buildGraph as the daemon does. Writes
 * bench/results/translate.json and its BENCHMARKS.md table.
 *
 *   npm run bench:translate [-- --nodes 1000 --runs 7] [--no-write]
 */
import { affectedProxies, buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import type { Kind, SpecResource } from '@plexus/spec';
import { translateProxy } from '@plexus/translate';
import { loadAverage, machine } from './scale/proc-stats.ts';
import { commandLine, publish, spread } from './scale/report.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const N = arg('--nodes', 1000);
const RUNS = arg('--runs', 7);

const position = { file: 'bench.yaml', line: 1, col: 1 };
function res(kind: Kind, name: string, spec: unknown, virtualRouter?: string): SpecResource {
  return {
    kind,
    mesh: 'bench',
    name,
    spec,
    format: 'native',
    position,
    positionOf: () => position,
    virtualRouter,
  };
}

function generate(routeWeight: number): SpecResource[] {
  const out: SpecResource[] = [res('Mesh', 'bench', {})];
  for (let i = 0; i < N; i++) {
    out.push(
      res('VirtualNode', `n${i}`, {
        listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
        serviceDiscovery: {
          static: { endpoints: [{ address: `10.${(i >> 8) & 255}.${i & 255}.1`, zone: `z${i % 3}` }] },
        },
        backends: [1, 2, 3].map((d) => ({
          virtualService: { virtualServiceName: `s${(i + d) % N}.bench.local` },
        })),
      }),
      res('VirtualRouter', `r${i}`, { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] }),
      res(
        'Route',
        `route${i}`,
        {
          httpRoute: {
            match: { prefix: '/' },
            action: {
              weightedTargets: [
                { virtualNode: `n${i}`, weight: i === 0 ? routeWeight : 90 },
                { virtualNode: `n${(i + 1) % N}`, weight: 10 },
              ],
            },
            retryPolicy: {
              maxRetries: 2,
              perRetryTimeout: { value: 1, unit: 's' },
              httpRetryEvents: ['server-error'],
            },
          },
        },
        `r${i}`,
      ),
      res('VirtualService', `s${i}.bench.local`, {
        provider: { virtualRouter: { virtualRouterName: `r${i}` } },
      }),
    );
  }
  return out;
}

const load0 = loadAverage();
const none = () => undefined;
const full: number[] = [];
const incremental: number[] = [];
const graphOnly: number[] = [];
const fullCpu: number[] = [];
const incrementalCpu: number[] = [];
/** CPU time of this process (user + system), steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const affectedOnly: number[] = [];
let affectedCount = 0;
let resources = 0;
let inputCount = 0;
for (let run = 0; run < RUNS; run++) {
  // Fresh objects every run, as a new revision from the loader would be (no cross-run hash caching).
  const before = generate(90);
  const after = generate(50);
  inputCount = before.length;
  let t = performance.now();
  let c = cpuMs();
  const g1 = buildGraph(before);
  resources = 0;
  for (const id of proxyIds(g1)) {
    const c = translateProxy(g1, parseProxyId(id)!, none);
    resources += c.listeners.length + c.routes.length + c.clusters.length + c.endpoints.length;
  }
  full.push(performance.now() - t);
  fullCpu.push(cpuMs() - c);

  t = performance.now();
  c = cpuMs();
  const g2 = buildGraph(after, g1);
  const tGraph = performance.now();
  const affected = affectedProxies(g1, g2);
  for (const id of affected) translateProxy(g2, parseProxyId(id)!, none);
  const end = performance.now();
  incrementalCpu.push(cpuMs() - c);
  incremental.push(end - t);
  graphOnly.push(tGraph - t);
  affectedOnly.push(end - tGraph);
  affectedCount = affected.size;
}
const load1 = loadAverage();
publish(
  {
    name: 'translate',
    title: 'Translation: npm run bench:translate',
    command: commandLine('bench:translate'),
    note:
      `A generated ${N.toLocaleString('en')}-node mesh (${inputCount.toLocaleString('en')} resources in, ` +
      `${resources.toLocaleString('en')} Envoy resources out), ${RUNS} runs; the change re-translates the ` +
      `${affectedCount} proxies affectedProxies names, building the graph from the previous one as the daemon does; ` +
      `load average ${load0} → ${load1}. Raw: bench/results/translate.json.`,
    figures: [
      { figure: `full translation (buildGraph + ${N} proxies), wall`, unit: 'ms', ...spread(full) },
      { figure: 'full translation, CPU', unit: 'ms', ...spread(fullCpu) },
      {
        figure: `one route changed (buildGraph + affectedProxies + ${affectedCount} proxies), wall`,
        unit: 'ms',
        ...spread(incremental),
      },
      { figure: 'one route changed, CPU', unit: 'ms', ...spread(incrementalCpu) },
      { figure: 'of that, buildGraph', unit: 'ms', ...spread(graphOnly) },
      {
        figure: `of that, affectedProxies + translating the ${affectedCount}`,
        unit: 'ms',
        ...spread(affectedOnly),
      },
    ],
    loadAverage: { start: load0, end: load1 },
    raw: { full, fullCpu, incremental, incrementalCpu, graphOnly, affectedOnly },
  },
  machine(),
);
