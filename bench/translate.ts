/**
 * Translation benchmark: a generated 1,000-node mesh (each node with 3 backends, each backend a router with two
 * weighted targets), translated in full, then re-translated after one route changes, translating only the
 * proxies affectedProxies names. Prints min/median/max over the runs.
 *
 *   npm run bench:translate [-- --nodes 1000 --runs 7]
 */
import { affectedProxies, buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import type { Kind, SpecResource } from '@plexus/spec';
import { translateProxy } from '@plexus/translate';

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

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `min ${f(s[0]!)}  median ${f(s[Math.floor(s.length / 2)]!)}  max ${f(s.at(-1)!)}`;
};

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
  const g2 = buildGraph(after);
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
console.log(
  `translate bench: ${N} virtual nodes, ${inputCount} resources in, ${resources} Envoy resources out, ${RUNS} runs`,
);
console.log(`full (buildGraph + translate ${N} proxies):            ${stats(full)}`);
console.log(
  `one route changed (buildGraph + affectedProxies + translate ${affectedCount}): ${stats(incremental)}`,
);
console.log(`CPU time, full:                                      ${stats(fullCpu)}`);
console.log(`CPU time, one route changed:                         ${stats(incrementalCpu)}`);
console.log(`  of which buildGraph:                                 ${stats(graphOnly)}`);
console.log(`  of which affectedProxies + translate affected:     ${stats(affectedOnly)}`);
