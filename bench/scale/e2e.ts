/**
 * End to end: the daemon (git repo → xDS) under load clients. Initial convergence, one route changed by a
 * commit, one node's endpoints churned by the discovery source, a reconnect storm; the daemon's CPU and RSS.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '@plexus/daemon/node-flags';
import type { MeshShape } from '../gen/mesh.ts';
import {
  type EnvoyNode,
  envoyNodes,
  envoyVersions,
  type RunningEnvoy,
  startEnvoys,
  stopEnvoys,
  waitVersionChange,
} from './envoys.ts';
import { type ClientSpec, Fleet, until } from './fleet.ts';
import { type GrpcProbe, startGrpcProbes, waitAckedChange, XdsTypes } from './grpc-clients.ts';
import { cpuSeconds, peakRssMb, rssMb } from './proc-stats.ts';
import { createMeshRepo, flipFirstRouteWeights, type MeshRepo } from './repo.ts';
import { percentile } from './report.ts';
import { WORK } from './servers.ts';
import { describeCommits, describeStages, type StageTimes, stageTimes } from './stage-times.ts';

/** Extra Node/V8 flags for the daemon child only, space-separated (e.g. `--trace-gc`), to study one run. */
const extraDaemonFlags = (): string[] =>
  process.env.PLEXUS_BENCH_DAEMON_FLAGS?.split(/\s+/).filter(Boolean) ?? [];

export interface E2eOptions {
  shape: Required<Pick<MeshShape, 'nodes' | 'services' | 'routesPerRouter' | 'endpoints'>>;
  proxies: number;
  procs: number;
  runs: number;
  /** Runs the daemon under node --cpu-prof and samples its heap (profiles in bench/.work). */
  profile?: boolean;
  /** --max-old-space-size for the daemon (MB), to see how RSS and CPU trade. */
  daemonHeapMb?: number;
  /** Real Envoys on nodes node-0.. (0 for none). */
  envoys: number;
  /** Proxyless @grpc/grpc-js-xds clients (0 for none), on the nodes after the Envoys'. */
  grpcClients?: number;
  /** Every n-th client speaks delta, the others SotW. */
  deltaEvery: number;
  settleMs: number;
  timeoutMs: number;
}

export interface ChangeSample {
  affected: number;
  p50: number;
  p99: number;
  max: number;
  /** Every affected proxy's commit → ACK time, for pooling over changes. */
  latencies: number[];
  /** Responses per affected proxy (max). */
  pushesPerProxy: number;
  /** Proxies outside the affected set that got any response: must be 0. */
  unaffectedPushed: number;
  cpuSeconds: number;
  bytes: number;
}

export interface E2eResult {
  daemonReadyMs: number;
  initialConvergenceMs: number;
  initialCpuSeconds: number;
  /** CPU of the load processes over the same time: the harness must not be what limits convergence. */
  initialLoadCpuSeconds: number;
  initialBytes: number;
  routeChange: ChangeSample[];
  endpointChange: ChangeSample[];
  /** Daemon's own count of config pushes per route change (plexus_xds_pushes_total{kind="config"}). */
  daemonConfigPushes: number[];
  /** NaN when the storm did not settle within the timeout (see reconnectConverged). */
  reconnectMs: number;
  /** Proxies re-converged when the storm settled or the timeout hit. */
  reconnectConverged: number;
  reconnectCpuSeconds: number;
  /** Real Envoys, reported apart: first config, a route commit and an endpoint change reaching each. */
  envoy: { node: string; initialMs: number; routeCommitMs: number; endpointChangeMs: number }[];
  /** Proxyless gRPC clients, reported apart the same way (ACK times from the daemon's CSDS). */
  grpc: { node: string; initialMs: number; routeCommitMs: number; endpointChangeMs: number }[];
  totalCpuSeconds: number;
  peakRssMb: number;
  /** Per-commit stage durations from the daemon's log (all commits, the real clients' too). */
  stages?: StageTimes;
  /** VmRSS / VmHWM (MB) after each phase, to place the peak. */
  rssByPhase: Record<string, { rss: number; peak: number }>;
  /** Load client streams that ended unasked (refused, reset) and were reopened, over the whole run. */
  streamEnds: number;
  /** --profile: CPU profiles of the convergence, the changes and the reconnect storm. */
  profiles: string[];
  errors: string[];
}

const CHILD = fileURLToPath(new URL('./daemon-child.ts', import.meta.url));

async function metric(httpPort: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

/** Sends `msg` to the daemon child and resolves with the first reply carrying `key`. */
function ask<T>(child: ChildProcess, msg: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg);
  });
}

/** Times and counts for one change, from the clients' own ACK timestamps. */
function measureChange(
  fleet: Fleet,
  t0: number,
  type: string,
  affected: Set<number>,
  cpu: number,
): ChangeSample {
  const ev = fleet.since(t0);
  const first = new Map<number, number>();
  const pushes = new Map<number, number>();
  let bytes = 0;
  const outside = new Set<number>();
  for (const e of ev) {
    pushes.set(e.idx, (pushes.get(e.idx) ?? 0) + 1);
    bytes += e.bytes;
    if (!affected.has(e.idx)) outside.add(e.idx);
    else if (e.t === type && !first.has(e.idx)) first.set(e.idx, e.at - t0);
  }
  const lat = [...first.values()];
  return {
    affected: affected.size,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: percentile(lat, 100),
    latencies: lat,
    pushesPerProxy: Math.max(0, ...[...affected].map((i) => pushes.get(i) ?? 0)),
    unaffectedPushed: outside.size,
    cpuSeconds: cpu,
    bytes,
  };
}

export async function runE2e(o: E2eOptions, log: (s: string) => void): Promise<E2eResult> {
  const errors: string[] = [];
  const repo: MeshRepo = createMeshRepo(o.shape);
  log(`  repo ${repo.dir}: ${repo.mesh.resources} resources`);
  const tStart = Date.now();
  const envoyPorts: EnvoyNode[] = await envoyNodes(o.envoys);
  const portsArg = JSON.stringify(
    Object.fromEntries(
      envoyPorts.map((e) => [e.node, { ingressPort: e.ingressPort, egressPort: e.egressPort }]),
    ),
  );
  let envoys: RunningEnvoy[] = [];
  let probes: GrpcProbe[] = [];
  mkdirSync(WORK, { recursive: true });
  const logFile = `${WORK}/daemon-${process.pid}.log`;
  const daemon: ChildProcess = fork(CHILD, [repo.dir, logFile, portsArg, ...(o.profile ? ['--heap'] : [])], {
    // As `plexus run` starts it: Node's own type stripping, the daemon's V8 flags (plus PLEXUS_BENCH_DAEMON_FLAGS).
    execArgv: [
      ...DAEMON_NODE_FLAGS,
      ...extraDaemonFlags(),
      ...(o.daemonHeapMb ? [`--max-old-space-size=${o.daemonHeapMb}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let fleet: Fleet | undefined;
  let result: E2eResult | undefined;
  try {
    const ports = await new Promise<{ xdsPort: number; httpPort: number }>((r, j) => {
      daemon.once('message', (m: { ready: { xdsPort: number; httpPort: number } }) => r(m.ready));
      daemon.once('exit', (c) => j(new Error(`daemon exited (${c})`)));
    });
    const pid = daemon.pid!;
    const rssByPhase: E2eResult['rssByPhase'] = {};
    const phase = (name: string) => {
      rssByPhase[name] = { rss: Math.round(rssMb(pid)), peak: Math.round(peakRssMb(pid)) };
    };
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${ports.httpPort}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() - tStart > o.timeoutMs) throw new Error('daemon not ready (first revision not applied)');
      await new Promise((r) => setTimeout(r, 20));
    }
    const daemonReadyMs = Date.now() - tStart;
    phase('ready');
    log(`  daemon ready in ${daemonReadyMs} ms`);

    const clients: ClientSpec[] = Array.from({ length: o.proxies }, (_, i) => ({
      idx: i,
      node: `mesh/bench/virtualNode/node-${i % o.shape.nodes}`,
      variant: i % o.deltaEvery === o.deltaEvery - 1 ? 'delta' : 'sotw',
    }));
    // --profile: one CPU profile per phase, written by the daemon child (bench/.work/daemon-<pid>-<phase>.cpuprofile).
    const profiles: string[] = [];
    const cpuStart = async () => {
      if (o.profile) await ask(daemon, { cpuStart: true }, 'cpuStarted');
    };
    const cpuStop = async (name: string) => {
      if (!o.profile) return;
      const path = `${WORK}/daemon-${process.pid}-${name}.cpuprofile`;
      await ask(daemon, { cpuStop: path }, 'cpuWritten');
      profiles.push(path);
      log(`  CPU profile of ${name}: ${path}`);
    };
    await cpuStart();
    const cpuBefore = cpuSeconds(pid);
    fleet = await Fleet.start(`127.0.0.1:${ports.xdsPort}`, clients, o.procs);
    const f = fleet;
    const loadCpuBefore = f.cpuSeconds();
    // Every 10 s: how far convergence is and who is using the CPU (daemon or load processes).
    const progress = setInterval(() => {
      log(
        `    … ${f.converged.size}/${o.proxies} converged; CPU so far: daemon ${(cpuSeconds(pid) - cpuBefore).toFixed(1)} s, ` +
          `load processes ${(f.cpuSeconds() - loadCpuBefore).toFixed(1)} s; daemon RSS ${rssMb(pid).toFixed(0)} MB`,
      );
    }, 10_000);
    const tEnvoys = Date.now();
    envoys = startEnvoys(envoyPorts, ports.xdsPort);
    probes = startGrpcProbes(
      ports.xdsPort,
      Array.from({ length: o.grpcClients ?? 0 }, (_, k) => o.envoys + k),
      o.shape.services,
    );
    const grpcInitial = Promise.all(
      probes.map(async (p) => (await waitAckedChange(p, XdsTypes.route, '', o.timeoutMs)) - tEnvoys),
    );
    const envoyInitial = Promise.all(
      envoys.map(
        async (e) => (await waitVersionChange(e, 'dynamic_route_configs', '', o.timeoutMs)) - tEnvoys,
      ),
    );
    try {
      await until(
        () => f.converged.size === o.proxies,
        o.timeoutMs,
        () => `${f.converged.size}/${o.proxies} converged`,
      );
    } finally {
      clearInterval(progress);
    }
    const initialLoadCpuSeconds = f.cpuSeconds() - loadCpuBefore;
    const initialConvergenceMs = Math.max(...f.converged.values()) - f.startedAt;
    const initialCpuSeconds = cpuSeconds(pid) - cpuBefore;
    const initialBytes = f.events.reduce((a, e) => a + e.bytes, 0);
    log(`  ${o.proxies} proxies converged in ${initialConvergenceMs} ms`);
    phase('initial convergence');
    await cpuStop('convergence');
    const mem = await ask<{ mem: NodeJS.MemoryUsage }>(daemon, { mem: true }, 'mem');
    log(
      `  daemon memory: ${Object.entries(mem.mem)
        .map(([k, v]) => `${k} ${(v / 1e6).toFixed(0)} MB`)
        .join(', ')}`,
    );
    if (o.profile) {
      const path = `${WORK}/daemon-${process.pid}.heapprofile`;
      await ask(daemon, { heap: path }, 'heapWritten');
      log(`  heap sampling profile: ${path}`);
    }
    await new Promise((r) => setTimeout(r, o.settleMs));

    const names = await f.names();
    const routeChange: ChangeSample[] = [];
    const endpointChange: ChangeSample[] = [];
    const daemonConfigPushes: number[] = [];
    await cpuStart();
    for (let r = 0; r < o.runs; r++) {
      // One route changed by a commit: affected = the proxies naming its service as a backend.
      const s = (r * 37 + 5) % o.shape.services;
      const svc = `svc-${s}.bench.local`;
      const affected = new Set<number>();
      for (const c of clients)
        if (repo.backends.get(c.node.split('/').pop()!)?.includes(svc)) affected.add(c.idx);
      const pushes0 = await metric(ports.httpPort, 'plexus_xds_pushes_total', 'kind="config"');
      const cpu0 = cpuSeconds(pid);
      const t0 = repo.commitEdit(`services/svc-${s}.yaml`, flipFirstRouteWeights, `bench: route of ${svc}`);
      await until(
        () => [...affected].every((i) => f.ackedSince(i, 'R', t0)),
        o.timeoutMs,
        () => `route change ${svc}: not every affected proxy ACKed RDS`,
      );
      await new Promise((res) => setTimeout(res, o.settleMs));
      const rc = measureChange(f, t0, 'R', affected, cpuSeconds(pid) - cpu0);
      routeChange.push(rc);
      daemonConfigPushes.push(
        (await metric(ports.httpPort, 'plexus_xds_pushes_total', 'kind="config"')) - pushes0,
      );
      if (rc.unaffectedPushed > 0)
        errors.push(`route change ${svc}: ${rc.unaffectedPushed} unaffected proxies were pushed`);

      // One node's endpoints churned by the discovery source: affected = proxies subscribed to its cluster.
      const j = (r * 53 + 11) % o.shape.nodes;
      const marker = `_node-${j}_`;
      const eAffected = new Set(names.filter((n) => n.eds.some((x) => x.includes(marker))).map((n) => n.idx));
      const cpu1 = cpuSeconds(pid);
      const t1 = Date.now();
      daemon.send({ churn: `node-${j}` });
      await until(
        () => [...eAffected].every((i) => f.ackedSince(i, 'E', t1)),
        o.timeoutMs,
        () => `endpoint change node-${j}: not every affected proxy ACKed EDS`,
      );
      await new Promise((res) => setTimeout(res, o.settleMs));
      const ec = measureChange(f, t1, 'E', eAffected, cpuSeconds(pid) - cpu1);
      endpointChange.push(ec);
      if (ec.unaffectedPushed > 0)
        errors.push(`endpoint change node-${j}: ${ec.unaffectedPushed} unaffected proxies were pushed`);
      log(
        `  run ${r + 1}: route ${svc} → ${rc.affected} proxies p99 ${rc.p99} ms (daemon pushed ${daemonConfigPushes[r]}); ` +
          `endpoints node-${j} → ${ec.affected} proxies p99 ${ec.p99} ms`,
      );
    }

    phase('route and endpoint changes');
    await cpuStop('changes');
    if (o.profile) {
      const path = `${WORK}/daemon-${process.pid}-after-changes.heapprofile`;
      await ask(daemon, { heap: path }, 'heapWritten');
      log(`  heap sampling profile after the changes: ${path}`);
    }
    // The real Envoys: a commit changing a route each one uses, then its main target's endpoints.
    const envoy: E2eResult['envoy'] = [];
    const initial = await envoyInitial;
    for (const [k, e] of envoys.entries()) {
      const s = (7 * k + 1) % o.shape.services;
      const before = await envoyVersions(e, 'dynamic_route_configs');
      const t0 = repo.commitEdit(`services/svc-${s}.yaml`, flipFirstRouteWeights, `bench: Envoy ${k} route`);
      const routeCommitMs = (await waitVersionChange(e, 'dynamic_route_configs', before, o.timeoutMs)) - t0;
      const target = `node-${(s * o.shape.routesPerRouter) % o.shape.nodes}`;
      const eBefore = await envoyVersions(e, 'dynamic_endpoint_configs', '&include_eds');
      const t1 = Date.now();
      daemon.send({ churn: target });
      const endpointChangeMs =
        (await waitVersionChange(e, 'dynamic_endpoint_configs', eBefore, o.timeoutMs, '&include_eds')) - t1;
      envoy.push({ node: e.node, initialMs: initial[k], routeCommitMs, endpointChangeMs });
      log(
        `  Envoy ${e.node}: first config ${initial[k]} ms, route commit ${routeCommitMs} ms, endpoints ${endpointChangeMs} ms`,
      );
    }
    await stopEnvoys(envoys);
    envoys = [];
    // The proxyless gRPC clients, the same way; their ACKs read from the daemon's CSDS.
    const grpc: E2eResult['grpc'] = [];
    const grpcFirst = await grpcInitial;
    for (const [k, p] of probes.entries()) {
      const s = (7 * p.nodeIndex + 1) % o.shape.services;
      const before = await p.acked(XdsTypes.route);
      const t0 = repo.commitEdit(
        `services/svc-${s}.yaml`,
        flipFirstRouteWeights,
        `bench: gRPC client ${k} route`,
      );
      const routeCommitMs = (await waitAckedChange(p, XdsTypes.route, before, o.timeoutMs)) - t0;
      const target = `node-${(s * o.shape.routesPerRouter) % o.shape.nodes}`;
      const eBefore = await p.acked(XdsTypes.endpoint);
      const t1 = Date.now();
      daemon.send({ churn: target });
      const endpointChangeMs = (await waitAckedChange(p, XdsTypes.endpoint, eBefore, o.timeoutMs)) - t1;
      grpc.push({ node: p.node, initialMs: grpcFirst[k], routeCommitMs, endpointChangeMs });
      log(
        `  gRPC ${p.node}: first config ${grpcFirst[k]} ms, route commit ${routeCommitMs} ms, endpoints ${endpointChangeMs} ms`,
      );
    }
    for (const p of probes) p.close();
    probes = [];

    phase('real Envoys and gRPC clients');
    await cpuStart();
    const cpu2 = cpuSeconds(pid);
    const t2 = f.reconnectAll();
    // A storm that does not settle in time is an error of the run, but the figures measured before it stay.
    const reconnected = await until(
      () => f.converged.size === o.proxies,
      o.timeoutMs,
      () => `reconnect: ${f.converged.size}/${o.proxies} re-converged`,
    ).then(
      () => true,
      (err: Error) => {
        errors.push(`reconnect storm: ${err.message}`);
        return false;
      },
    );
    const reconnectConverged = f.converged.size;
    const reconnectMs = reconnected ? Math.max(...f.converged.values()) - t2 : Number.NaN;
    const reconnectCpuSeconds = cpuSeconds(pid) - cpu2;
    log(
      reconnected
        ? `  reconnect storm re-converged in ${reconnectMs} ms`
        : `  reconnect storm: ${reconnectConverged}/${o.proxies} re-converged within ${o.timeoutMs} ms`,
    );
    phase('reconnect storm');
    await cpuStop('reconnect');
    const streamEnds = (await f.names()).reduce((a, n) => a + n.ends, 0);
    log(
      `  daemon RSS / peak by phase (MB): ${Object.entries(rssByPhase)
        .map(([k, v]) => `${k} ${v.rss}/${v.peak}`)
        .join('; ')}`,
    );
    result = {
      daemonReadyMs,
      initialConvergenceMs,
      initialCpuSeconds,
      initialLoadCpuSeconds,
      initialBytes,
      routeChange,
      endpointChange,
      daemonConfigPushes,
      reconnectMs,
      reconnectConverged,
      reconnectCpuSeconds,
      envoy,
      grpc,
      totalCpuSeconds: cpuSeconds(pid),
      peakRssMb: peakRssMb(pid),
      rssByPhase,
      streamEnds,
      profiles,
      errors,
    };
    return result;
  } finally {
    await stopEnvoys(envoys);
    for (const p of probes) p.close();
    await fleet?.stop();
    await new Promise<void>((r) => {
      if (daemon.exitCode !== null) return r();
      const timer = setTimeout(() => daemon.kill('SIGKILL'), 5000);
      daemon.once('exit', () => {
        clearTimeout(timer);
        r();
      });
      daemon.send({ stop: true });
    });
    if (result) {
      result.stages = stageTimes(logFile, repo.commits);
      log(`  route commits by stage: ${describeStages(result.stages)}`);
      log(
        `  route commits in order, ref → tree read + spec + graph→xDS (ms): ${describeCommits(result.stages)}`,
      );
    }
    repo.remove();
    if (!o.profile && errors.length === 0) rmSync(logFile, { force: true });
  }
}
