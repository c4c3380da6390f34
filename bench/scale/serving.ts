/**
 * The serving part alone, three servers on the same resources and the same SotW load clients: Plexus's
 * XdsServer fed directly (no git), envoyproxy/go-control-plane (bench/peer-gcp), and the floor (a bare grpc-js
 * loop writing pre-encoded responses). Every client gets one proxy's translated config; a push changes one
 * resource of each type (LDS, RDS, CDS, EDS), so every server sends all four types.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MeshShape } from '../gen/mesh.ts';
import { type ClientSpec, Fleet, until } from './fleet.ts';
import { cpuSeconds, peakRssMb } from './proc-stats.ts';
import { createMeshRepo } from './repo.ts';
import { percentile } from './report.ts';
import { type SnapshotServer, startPeer, startServeChild, WORK } from './servers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPES: Record<string, string> = {
  listeners: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routes: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  clusters: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoints: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
};

/**
 * Pushes after initial convergence that are not timed, for every server alike: the first push of a Node
 * server runs cold code paths and meets the garbage convergence left (the bare floor's as much as Plexus's).
 */
const WARMUP_PUSHES = 1;

export type ServerKind = 'plexus-xds' | 'go-control-plane' | 'floor';

export interface ServingOptions {
  shape: Required<Pick<MeshShape, 'nodes' | 'services' | 'routesPerRouter' | 'endpoints'>>;
  proxies: number;
  procs: number;
  runs: number;
  servers: ServerKind[];
  timeoutMs: number;
  /** Write a .cpuprofile of each Node server child to bench/.work. */
  profile?: boolean;
}

export interface ServingResult {
  server: ServerKind;
  /** Load clients served (each push's p99 is over this many ACK times). */
  clients: number;
  initialConvergenceMs: number;
  initialCpuSeconds: number;
  /** Per push: p50/p99 of set → the client ACKed all four types, and the server's CPU seconds. */
  pushes: { p50: number; p99: number; cpuSeconds: number; bytes: number }[];
  peakRssMb: number;
}

/** One proxy's translated config (`plexus config-dump`), then one snapshot file per round. */
function snapshotFiles(o: ServingOptions): { files: string[]; resources: number } {
  const repo = createMeshRepo(o.shape);
  try {
    const dump = execFileSync(
      process.execPath,
      [
        `${ROOT}packages/cli/bin/plexus.js`,
        'config-dump',
        '--node',
        'mesh/bench/virtualNode/node-1',
        repo.dir,
      ],
      { maxBuffer: 256 << 20 },
    ).toString();
    const config = JSON.parse(dump) as Record<string, Record<string, unknown>[]>;
    mkdirSync(WORK, { recursive: true });
    const files: string[] = [];
    for (let r = 0; r <= o.runs + WARMUP_PUSHES; r++) {
      const resources: Record<string, Record<string, unknown>[]> = {};
      for (const [key, typeUrl] of Object.entries(TYPES)) {
        resources[typeUrl] = (config[key] ?? []).map((x) => structuredClone(x));
      }
      if (r > 0) {
        resources[TYPES.listeners][0].per_connection_buffer_limit_bytes = 1048576 + r;
        resources[TYPES.routes][0].response_headers_to_add = [
          { header: { key: 'x-bench-round', value: String(r) } },
        ];
        resources[TYPES.clusters][0].per_connection_buffer_limit_bytes = 1048576 + r;
        resources[TYPES.endpoints][0].policy = { overprovisioning_factor: 140 + r };
      }
      const path = `${WORK}/snapshot-${process.pid}-${r}.json`;
      writeFileSync(path, JSON.stringify({ version: `v${r}`, resources }));
      files.push(path);
    }
    const resources = Object.keys(TYPES).reduce((a, k) => a + (config[k]?.length ?? 0), 0);
    return { files, resources };
  } finally {
    repo.remove();
  }
}

async function start(kind: ServerKind, first: string, profile = false): Promise<SnapshotServer> {
  if (kind === 'go-control-plane') return startPeer(first);
  return startServeChild(kind === 'plexus-xds' ? 'plexus' : 'floor', first, profile);
}

export async function runServing(o: ServingOptions, log: (s: string) => void): Promise<ServingResult[]> {
  const { files, resources } = snapshotFiles(o);
  log(`  snapshot: ${resources} resources (node-1's config), served to all ${o.proxies} clients`);
  const out: ServingResult[] = [];
  try {
    await serveAll(o, files, out, log);
  } finally {
    for (const f of files) rmSync(f, { force: true });
  }
  return out;
}

async function serveAll(o: ServingOptions, files: string[], out: ServingResult[], log: (s: string) => void) {
  const clients: ClientSpec[] = Array.from({ length: o.proxies }, (_, i) => ({
    idx: i,
    node: `mesh/bench/virtualNode/node-${i}`,
    variant: 'sotw',
  }));
  for (const kind of o.servers) {
    const server = await start(kind, files[0], o.profile);
    let fleet: Fleet | undefined;
    try {
      const cpuBefore = cpuSeconds(server.pid);
      fleet = await Fleet.start(`127.0.0.1:${server.port}`, clients, o.procs);
      const f = fleet;
      await until(
        () => f.converged.size === o.proxies,
        o.timeoutMs,
        () => `${kind}: ${f.converged.size}/${o.proxies} converged`,
      );
      const initialConvergenceMs = Math.max(...f.converged.values()) - f.startedAt;
      const initialCpuSeconds = cpuSeconds(server.pid) - cpuBefore;
      await new Promise((r) => setTimeout(r, 300));
      const pushes: ServingResult['pushes'] = [];
      for (let r = 1; r <= o.runs + WARMUP_PUSHES; r++) {
        await server.prepare?.(files[r]);
        const cpu0 = cpuSeconds(server.pid);
        const t0 = Date.now();
        await server.set(files[r]);
        const done = () => {
          for (const c of clients)
            for (const t of ['L', 'R', 'C', 'E']) if (!f.ackedSince(c.idx, t, t0)) return false;
          return true;
        };
        await until(done, o.timeoutMs, () => `${kind}: push ${r} not ACKed by every client`);
        const cpu = cpuSeconds(server.pid) - cpu0;
        const last = new Map<number, number>();
        let bytes = 0;
        for (const e of f.since(t0)) {
          last.set(e.idx, Math.max(last.get(e.idx) ?? 0, e.at - t0));
          bytes += e.bytes;
        }
        const lat = [...last.values()];
        if (r > WARMUP_PUSHES)
          pushes.push({ p50: percentile(lat, 50), p99: percentile(lat, 99), cpuSeconds: cpu, bytes });
        await new Promise((res) => setTimeout(res, 200));
      }
      const res: ServingResult = {
        server: kind,
        clients: o.proxies,
        initialConvergenceMs,
        initialCpuSeconds,
        pushes,
        peakRssMb: peakRssMb(server.pid),
      };
      log(
        `  ${kind}: initial ${initialConvergenceMs} ms; push p99 ${pushes.map((p) => p.p99).join('/')} ms; ` +
          `push CPU ${pushes.map((p) => p.cpuSeconds.toFixed(2)).join('/')} s; peak RSS ${res.peakRssMb.toFixed(0)} MB`,
      );
      out.push(res);
    } finally {
      await fleet?.stop();
      await server.stop();
    }
  }
}
