/**
 * The scale benchmark (issue #7).
 *   npm run bench        (--quick)  200 proxies, under 2 minutes
 *   npm run bench:scale  (--scale)  1,000 nodes/services/proxies, 3,000 routes, 10,000 endpoints
 *   npm run bench:smoke  (--smoke)  a tiny run for CI: fails on errors only, never on timing
 * End to end: a generated mesh committed to a git repo, the daemon in its own process, raw ADS load clients
 * (SotW and delta) in child processes reporting their ACK times. Serving alone: Plexus's XdsServer vs
 * go-control-plane vs a bare grpc-js floor on the same resources and clients. Figures go to
 * bench/results/<mode>.json and BENCHMARKS.md (--quick, --scale).
 */
import { type ChangeSample, type E2eResult, runE2e } from './scale/e2e.ts';
import { loadAverage, machine } from './scale/proc-stats.ts';
import {
  type Figure,
  pooledTail,
  printFigures,
  spread,
  tailLabel,
  updateBenchmarksMd,
  writeResults,
} from './scale/report.ts';
import { runServing, type ServerKind, type ServingResult } from './scale/serving.ts';

type Mode = 'smoke' | 'quick' | 'scale';
const mode: Mode = process.argv.includes('--scale')
  ? 'scale'
  : process.argv.includes('--smoke')
    ? 'smoke'
    : 'quick';
const argValue = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const PRESETS = {
  smoke: {
    nodes: 12,
    services: 12,
    routesPerRouter: 2,
    endpoints: 2,
    proxies: 12,
    procs: 1,
    runs: 1,
    settleMs: 200,
  },
  quick: {
    nodes: 200,
    services: 200,
    routesPerRouter: 3,
    endpoints: 10,
    proxies: 200,
    procs: 2,
    runs: 3,
    settleMs: 300,
  },
  scale: {
    nodes: 1000,
    services: 1000,
    routesPerRouter: 3,
    endpoints: 10,
    proxies: 1000,
    procs: 4,
    runs: 5,
    settleMs: 1000,
  },
};
const p = { ...PRESETS[mode] };
/** A positive integer flag, or exit with a one-line reason. */
const intArg = (name: string): number | undefined => {
  const v = argValue(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} ${v}: expected a positive integer`);
    process.exit(2);
  }
  return n;
};
// Shape options: any preset can be resized; flags given are named in the command column of the table.
const shapeFlags: string[] = [];
for (const k of ['proxies', 'nodes', 'services', 'procs', 'runs', 'endpoints'] as const) {
  const v = intArg(k);
  if (v === undefined) continue;
  p[k] = v;
  shapeFlags.push(`--${k} ${v}`);
}
// More proxies than the preset: one load process per ~2,000 clients unless --procs says otherwise.
if (argValue('procs') === undefined) p.procs = Math.max(p.procs, Math.ceil(p.proxies / 2000));
const servers: ServerKind[] =
  mode === 'smoke'
    ? ['plexus-xds', 'floor']
    : ((argValue('servers')?.split(',') as ServerKind[]) ?? ['plexus-xds', 'go-control-plane', 'floor']);
const write = !process.argv.includes('--no-write');
const skipServing = process.argv.includes('--no-serving');
const skipE2e = process.argv.includes('--no-e2e');
const command = `npm run ${mode === 'quick' ? 'bench' : `bench:${mode}`}${shapeFlags.length > 0 ? ` -- ${shapeFlags.join(' ')}` : ''}`;
/** Results file and BENCHMARKS.md section per shape, so the 1,000- and 10,000-proxy tables live side by side. */
const resultsName = shapeFlags.length > 0 ? `${mode}-${shapeFlags.join('').replace(/--| /g, '')}` : mode;
const shape = {
  nodes: p.nodes,
  services: p.services,
  routesPerRouter: p.routesPerRouter,
  endpoints: p.endpoints,
};
// A fleet gets ~10 ms per proxy to converge before the harness calls it stuck (120 s at least for scale).
const timeoutMs = Math.max(mode === 'scale' ? 120_000 : 60_000, p.proxies * 10);
const log = (s: string) => console.log(s);

const all = (xs: number[]) => spread(xs);
const fig = (figure: string, unit: string, xs: number[], goal?: string): Figure => ({
  figure,
  unit,
  goal,
  ...all(xs),
});

/**
 * Latency figures of one kind of change: per change the median and the slowest affected proxy (min/median/max
 * over the changes), then every affected proxy of every change pooled into one tail figure (p99 from ≥ 20
 * samples, else "max of N").
 */
function changeFigures(name: string, xs: ChangeSample[], goal: string): Figure[] {
  const perChange = Math.min(...xs.map((x) => x.affected));
  return [
    fig(
      `${name}, median of each change`,
      'ms',
      xs.map((x) => x.p50),
    ),
    fig(
      `${name}, ${tailLabel(perChange)} of each change`,
      'ms',
      xs.map((x) => (perChange >= 20 ? x.p99 : x.max)),
    ),
    pooledTail(
      `${name}, all changes pooled,`,
      'ms',
      xs.flatMap((x) => x.latencies),
      goal,
    ),
  ];
}

function e2eFigures(r: E2eResult): Figure[] {
  const rc = r.routeChange;
  const ec = r.endpointChange;
  const big = p.proxies > 1000;
  const perThousand =
    r.rssByPhase['initial convergence'] && r.rssByPhase.ready
      ? [((r.rssByPhase['initial convergence'].rss - r.rssByPhase.ready.rss) / p.proxies) * 1000]
      : [];
  return [
    fig('daemon ready (first revision applied)', 'ms', [r.daemonReadyMs]),
    fig(
      'initial convergence, all proxies ACKed',
      'ms',
      [r.initialConvergenceMs],
      big ? '≤ 30000' : '≤ 10000',
    ),
    ...changeFigures('route commit → affected ACKed', rc, big ? '≤ 250' : '≤ 100'),
    ...(r.stages && r.stages.gitMs.length > 0
      ? [
          fig(
            'route commit stage: git commit itself, until it moves the ref (harness, not counted)',
            'ms',
            r.stages.gitCommitMs,
          ),
          fig('route commit stage: ref moved → tree read (source)', 'ms', r.stages.gitMs),
          fig('route commit stage: spec load + validate', 'ms', r.stages.specMs),
          fig('route commit stage: graph → discovery → translate → xDS', 'ms', r.stages.applyMs),
          fig('route commit stage: push → affected ACKed', 'ms', r.stages.ackMs),
        ]
      : []),
    fig(
      'route commit: affected proxies',
      'count',
      rc.map((x) => x.affected),
    ),
    fig(
      'route commit: responses per affected proxy',
      'count',
      rc.map((x) => x.pushesPerProxy),
    ),
    fig(
      'route commit: unaffected proxies pushed',
      'count',
      rc.map((x) => x.unaffectedPushed),
      '= 0',
    ),
    fig('route commit: daemon config pushes', 'count', r.daemonConfigPushes),
    ...changeFigures('endpoint change → EDS ACKed', ec, '≤ 50'),
    fig(
      'endpoint change: affected proxies',
      'count',
      ec.map((x) => x.affected),
    ),
    fig(
      'endpoint change: unaffected proxies pushed',
      'count',
      ec.map((x) => x.unaffectedPushed),
      '= 0',
    ),
    ...(Number.isFinite(r.reconnectMs)
      ? [fig('reconnect storm → all re-converged', 'ms', [r.reconnectMs], '≤ 30000')]
      : [
          fig(`reconnect storm: proxies re-converged within ${timeoutMs / 1000} s`, 'count', [
            r.reconnectConverged,
          ]),
        ]),
    ...(r.rssByPhase['reconnect storm'] && r.rssByPhase['route and endpoint changes']
      ? [
          fig('daemon RSS after the reconnect storm / before it', '×', [
            r.rssByPhase['reconnect storm'].rss / r.rssByPhase['route and endpoint changes'].rss,
          ]),
        ]
      : []),
    ...(r.envoy.length > 0
      ? [
          fig(
            'real Envoys: first config',
            'ms',
            r.envoy.map((x) => x.initialMs),
          ),
          fig(
            'real Envoys: route commit → RDS applied',
            'ms',
            r.envoy.map((x) => x.routeCommitMs),
            '≤ 1000',
          ),
          fig(
            'real Envoys: endpoint change → EDS applied',
            'ms',
            r.envoy.map((x) => x.endpointChangeMs),
            '≤ 250',
          ),
        ]
      : []),
    ...(r.grpc.length > 0
      ? [
          fig(
            'grpc-js-xds clients: first RDS ACKed',
            'ms',
            r.grpc.map((x) => x.initialMs),
          ),
          fig(
            'grpc-js-xds clients: route commit → RDS ACKed',
            'ms',
            r.grpc.map((x) => x.routeCommitMs),
            '≤ 1000',
          ),
          fig(
            'grpc-js-xds clients: endpoint change → EDS ACKed',
            'ms',
            r.grpc.map((x) => x.endpointChangeMs),
            '≤ 250',
          ),
        ]
      : []),
    fig('load client streams ended unasked and reopened, whole run', 'count', [r.streamEnds]),
    fig('daemon CPU, initial convergence', 's', [r.initialCpuSeconds]),
    fig('load processes CPU (harness), initial convergence', 's', [r.initialLoadCpuSeconds]),
    fig(
      'daemon CPU per route commit',
      's',
      rc.map((x) => x.cpuSeconds),
    ),
    fig(
      'daemon CPU per endpoint change',
      's',
      ec.map((x) => x.cpuSeconds),
    ),
    fig('daemon CPU, reconnect storm', 's', [r.reconnectCpuSeconds]),
    fig('daemon CPU, whole run', 's', [r.totalCpuSeconds]),
    fig('daemon peak RSS', 'MB', [r.peakRssMb], '≤ 1000'),
    fig('daemon RSS per 1,000 connected proxies (converged − ready)', 'MB', perThousand, '≤ 25'),
    fig('bytes sent, initial convergence', 'MB', [r.initialBytes / 1e6]),
    fig(
      'bytes sent per route commit',
      'kB',
      rc.map((x) => x.bytes / 1e3),
    ),
  ];
}

function servingFigures(rs: ServingResult[], e2e: E2eResult | undefined): Figure[] {
  const out: Figure[] = [];
  const by = new Map(rs.map((r) => [r.server, r]));
  for (const r of rs) {
    out.push(fig(`serving ${r.server}: initial convergence`, 'ms', [r.initialConvergenceMs]));
    out.push(
      fig(
        `serving ${r.server}: push → all ACKed ${tailLabel(r.clients)} of each push`,
        'ms',
        r.pushes.map((x) => x.p99),
      ),
    );
    out.push(
      fig(
        `serving ${r.server}: CPU per push`,
        's',
        r.pushes.map((x) => x.cpuSeconds),
      ),
    );
    out.push(fig(`serving ${r.server}: CPU initial convergence`, 's', [r.initialCpuSeconds]));
    out.push(fig(`serving ${r.server}: peak RSS`, 'MB', [r.peakRssMb]));
  }
  const med = (r: ServingResult, k: 'p99' | 'cpuSeconds') => spread(r.pushes.map((x) => x[k])).median;
  const ratio = (a: ServingResult | undefined, b: ServingResult | undefined, name: string, goal?: string) => {
    if (!a || !b) return;
    const pr = (i: number) => a.pushes[i].p99 / b.pushes[i].p99;
    // CPU per push is compared median to median: one ratio.
    out.push(
      fig(
        `${name} push ${tailLabel(a.clients)} ratio (same push)`,
        '×',
        a.pushes.map((_, i) => pr(i)),
        goal,
      ),
    );
    out.push(
      fig(
        `${name} CPU per push ratio`,
        '×',
        [med(a, 'cpuSeconds') / Math.max(0.01, med(b, 'cpuSeconds'))],
        goal,
      ),
    );
  };
  ratio(by.get('plexus-xds'), by.get('floor'), 'plexus-xds / floor', '≤ 2');
  const gcp = by.get('go-control-plane');
  ratio(by.get('plexus-xds'), gcp, 'plexus-xds / go-control-plane', '≤ 1.0');
  const px = by.get('plexus-xds');
  if (px && gcp) {
    out.push(fig('plexus-xds / go-control-plane peak RSS ratio', '×', [px.peakRssMb / gcp.peakRssMb]));
    out.push(
      fig('plexus-xds / go-control-plane initial CPU ratio', '×', [
        px.initialCpuSeconds / Math.max(0.01, gcp.initialCpuSeconds),
      ]),
    );
  }
  if (e2e && gcp) {
    out.push(
      fig('whole daemon (git → xDS) / go-control-plane serving only: peak RSS', '×', [
        e2e.peakRssMb / gcp.peakRssMb,
      ]),
    );
    out.push(
      fig('whole daemon (git → xDS) / go-control-plane serving only: initial convergence', '×', [
        e2e.initialConvergenceMs / gcp.initialConvergenceMs,
      ]),
    );
    out.push(
      fig('whole daemon (git → xDS) / go-control-plane serving only: initial CPU', '×', [
        e2e.initialCpuSeconds / Math.max(0.01, gcp.initialCpuSeconds),
      ]),
    );
  }
  return out;
}

async function main(): Promise<number> {
  const started = Date.now();
  const load0 = loadAverage();
  const host = machine();
  console.log(
    `bench ${mode}: ${shape.nodes} nodes, ${shape.services} services, ${shape.services * shape.routesPerRouter} routes, ` +
      `${shape.nodes * shape.endpoints} endpoints, ${p.proxies} proxies over ${p.procs} processes, ${p.runs} runs; ` +
      `${host}; load average ${load0}`,
  );
  let e2e: E2eResult | undefined;
  let serving: ServingResult[] = [];
  const errors: string[] = [];
  if (!skipE2e) {
    console.log('end to end (daemon: git → xDS):');
    try {
      e2e = await runE2e(
        {
          shape,
          proxies: p.proxies,
          procs: p.procs,
          runs: p.runs,
          deltaEvery: 4,
          daemonHeapMb: argValue('daemon-heap') ? Number(argValue('daemon-heap')) : undefined,
          grpcClients: Number(argValue('grpc-clients') ?? (mode === 'scale' ? 2 : 0)),
          envoys: Number(argValue('envoys') ?? (mode === 'scale' ? 3 : 0)),
          settleMs: p.settleMs,
          timeoutMs,
          profile: process.argv.includes('--profile'),
        },
        log,
      );
      errors.push(...e2e.errors);
    } catch (err) {
      errors.push(`end to end: ${(err as Error).stack ?? err}`);
    }
  }
  if (!skipServing) {
    console.log('serving alone (same resources, same SotW clients):');
    try {
      serving = await runServing(
        {
          shape,
          proxies: p.proxies,
          procs: p.procs,
          runs: p.runs,
          servers,
          timeoutMs,
          profile: process.argv.includes('--profile'),
        },
        log,
      );
    } catch (err) {
      errors.push(`serving: ${(err as Error).stack ?? err}`);
    }
  }
  const load1 = loadAverage();
  const figures = [...(e2e ? e2eFigures(e2e) : []), ...servingFigures(serving, e2e)];
  console.log(
    `\nfigures (min/median/max over ${p.runs} runs where per change; load average ${load0} → ${load1}):`,
  );
  printFigures(figures);
  if (mode !== 'smoke' && write && figures.length > 0) {
    const doc = {
      command,
      mode,
      machine: host,
      loadAverage: { start: load0, end: load1 },
      shape: { ...shape, proxies: p.proxies, procs: p.procs, runs: p.runs },
      date: new Date().toISOString(),
      durationSeconds: (Date.now() - started) / 1000,
      figures,
      raw: { e2e, serving },
      errors,
    };
    const path = writeResults(resultsName, doc);
    updateBenchmarksMd(
      `Scale: ${command}`,
      command,
      host,
      figures,
      `${shape.nodes} nodes, ${shape.services} services, ${shape.services * shape.routesPerRouter} routes, ` +
        `${shape.nodes * shape.endpoints} endpoints, ${p.proxies} proxies (¾ SotW, ¼ delta end to end; SotW serving alone), ` +
        `${p.runs} runs; load average ${load0} → ${load1} (machine shared). A route commit is timed from the moment git moved the branch ref (the commit became visible); \`git commit\`'s own work before that is its own row. Serving alone, each server gets one untimed warm-up push after convergence. Raw: bench/results/${resultsName}.json. Absolute figures were taken on a shared, loaded machine; ratios compare servers measured in the same run.`,
    );
    console.log(`\nwrote ${path} and BENCHMARKS.md`);
  }
  console.log(`\n${mode} finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (errors.length > 0) {
    console.error(`\n${errors.length} error(s):\n${errors.join('\n')}`);
    return 1;
  }
  return 0;
}

process.exit(await main());
