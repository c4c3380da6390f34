import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envoyBinary } from './paths.ts';

type Json = Record<string, unknown>;

export interface ConfigLike {
  listeners?: Json[];
  routes?: Json[];
  clusters?: Json[];
  endpoints?: Json[];
  secrets?: Json[];
}

export interface EnvoyValidateResult {
  ok: boolean;
  output: string;
}

/**
 * Runs the real Envoy in `--mode validate` on a bootstrap holding the resources as static_resources. xDS
 * indirections become their static equivalents: an HCM's RDS becomes the named route config inlined, an EDS
 * cluster becomes a STATIC cluster with its ClusterLoadAssignment inlined, and secrets become static secrets.
 * A reference to a resource that is not in the config is reported as a failure, not papered over.
 * `cwd` is where relative file paths (certificates) resolve.
 */
export async function envoyValidate(
  config: ConfigLike | Json,
  opts: { cwd?: string; bootstrapClusters?: Json[] } = {},
): Promise<EnvoyValidateResult> {
  let bootstrap: Json;
  try {
    bootstrap = toStaticBootstrap(config as ConfigLike, opts.bootstrapClusters);
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
  const dir = await mkdtemp(join(tmpdir(), 'plexus-envoy-validate-'));
  try {
    const file = join(dir, 'bootstrap.json');
    await writeFile(file, JSON.stringify(bootstrap, null, 2));
    return await run(
      envoyBinary(),
      ['--mode', 'validate', '-c', file, '-l', 'warn'],
      opts.cwd ?? dir,
      join(dir, 'out.log'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `bootstrapClusters`: static clusters the proxy's own bootstrap holds (its xDS cluster, say). */
export function toStaticBootstrap(config: ConfigLike, bootstrapClusters: Json[] = []): Json {
  const routes = new Map((config.routes ?? []).map((r) => [String(r.name), strip(r)]));
  const cla = new Map((config.endpoints ?? []).map((e) => [String(e.cluster_name), strip(e)]));
  let placeholderPort = 20000;
  const secretNames = new Set((config.secrets ?? []).map((s) => String(s.name)));
  const listeners = (config.listeners ?? []).map((l) => {
    const listener = staticSds(inlineRds(strip(l), routes), secretNames);
    return listener.api_listener ? apiListenerAsNetworkFilter(listener, placeholderPort++) : listener;
  });
  const clusters = (config.clusters ?? []).map((c) => {
    const cluster = staticSds(strip(c), secretNames);
    if (cluster.type !== 'EDS') return cluster;
    const assignment = cla.get(String(cluster.name));
    if (!assignment)
      throw new Error(`cluster ${cluster.name}: EDS without a ClusterLoadAssignment in endpoints`);
    const { eds_cluster_config: _eds, ...rest } = cluster;
    return { ...rest, type: 'STATIC', load_assignment: assignment };
  });
  return {
    node: { id: 'plexus-validate', cluster: 'plexus-validate' },
    static_resources: {
      listeners,
      clusters: [...bootstrapClusters, ...clusters],
      secrets: (config.secrets ?? []).map(strip),
    },
  };
}

/**
 * Envoy's server build has no API listener extension (only Envoy Mobile does), so it cannot load an
 * `api_listener` (what proxyless gRPC reads). Its HttpConnectionManager is validated instead as the network
 * filter of a placeholder listener of the same name; the listener shell itself is left to the proto check.
 */
function apiListenerAsNetworkFilter(listener: Json, port: number): Json {
  const hcm = (listener.api_listener as Json).api_listener as Json;
  return {
    name: listener.name,
    address: { socket_address: { address: '127.0.0.1', port_value: port } },
    filter_chains: [
      { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm }] },
    ],
  };
}

function strip(r: Json): Json {
  const { '@type': _t, ...rest } = r;
  return rest;
}

/** Replaces every `rds` block found anywhere in the listener by the route config it names. */
function inlineRds(node: unknown, routes: Map<string, Json>): Json {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = v as Json;
    const out: Json = {};
    for (const [k, val] of Object.entries(o)) {
      if (k === 'rds' && val && typeof val === 'object') {
        const name = String((val as Json).route_config_name);
        const rc = routes.get(name);
        if (!rc) throw new Error(`RDS route config '${name}' is not in the config's routes`);
        out.route_config = rc;
      } else out[k] = walk(val);
    }
    return out;
  };
  return walk(node) as Json;
}

/** SDS over ADS (the mesh CA's secrets) → a reference to the static secret of that name, which must be given. */
function staticSds(node: Json, secrets: Set<string>): Json {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = v as Json;
    const sds = o.sds_config as Json | undefined;
    if (typeof o.name === 'string' && sds && typeof sds === 'object' && 'ads' in sds) {
      if (!secrets.has(o.name))
        throw new Error(`SDS secret '${o.name}' (over ADS) is not in the config's secrets`);
      return { name: o.name };
    }
    return Object.fromEntries(Object.entries(o).map(([k, val]) => [k, walk(val)]));
  };
  return walk(node) as Json;
}

/** Output goes to a file, not a pipe: Envoy must be able to open /dev/stdout (a socket would refuse it). */
function run(bin: string, args: string[], cwd: string, logFile: string): Promise<EnvoyValidateResult> {
  return new Promise((resolve) => {
    const fd = openSync(logFile, 'w');
    const p = spawn(bin, args, { cwd, stdio: ['ignore', fd, fd] });
    let finished = false;
    const done = (ok: boolean, extra = '') => {
      if (finished) return;
      finished = true;
      closeSync(fd);
      const out = readFileSync(logFile, 'utf8') + extra;
      resolve({ ok: ok && /OK/.test(out), output: out });
    };
    p.on('error', (e) => done(false, String(e)));
    p.on('exit', (code) => done(code === 0));
  });
}
