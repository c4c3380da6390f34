import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Envoy's v3 protos ship inside @grpc/grpc-js-xds; we load them at run time, never copy them. */
function protoDirs(): string[] {
  const xdsPkg = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  const pbPkg = dirname(require.resolve('protobufjs/package.json'));
  return [
    ...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(xdsPkg, 'deps', d)),
    pbPkg,
  ];
}

function walkV3(dir: string, base: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walkV3(full, base, out);
    else if (entry.endsWith('.proto') && full.includes('/v3/')) out.push(full.slice(base.length + 1));
  }
  return out;
}

let cached: protobuf.Root | undefined;

/**
 * Every Envoy v3 proto whose imports are all present (a few tracing protos need opencensus/opentelemetry,
 * which the package does not ship), plus the xDS TypedStruct types. Loaded once per process (~0.5 s).
 */
export function envoyRoot(): protobuf.Root {
  if (cached) return cached;
  const dirs = protoDirs();
  const find = (rel: string) => {
    for (const d of dirs) if (existsSync(join(d, rel))) return join(d, rel);
    return null;
  };
  const loadable = new Map<string, boolean>();
  const canLoad = (rel: string): boolean => {
    // google/protobuf/{any,struct,...}.proto are built into protobufjs
    if (/^google\/protobuf\/[^/]+\.proto$/.test(rel)) return true;
    const known = loadable.get(rel);
    if (known !== undefined) return known;
    loadable.set(rel, true);
    const path = find(rel);
    let ok = path !== null;
    if (path) {
      for (const m of readFileSync(path, 'utf8').matchAll(/^import\s+(?:public\s+)?"([^"]+)";/gm)) {
        if (!canLoad(m[1])) ok = false;
      }
    }
    loadable.set(rel, ok);
    return ok;
  };
  const envoyApi = dirs[0];
  const files = walkV3(join(envoyApi, 'envoy'), envoyApi, [])
    .concat(['xds/type/v3/typed_struct.proto', 'udpa/type/v1/typed_struct.proto'])
    .filter(canLoad);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => find(target) ?? target;
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

export const TYPE_PREFIX = 'type.googleapis.com/';

export const TypeUrl = {
  Listener: `${TYPE_PREFIX}envoy.config.listener.v3.Listener`,
  RouteConfiguration: `${TYPE_PREFIX}envoy.config.route.v3.RouteConfiguration`,
  Cluster: `${TYPE_PREFIX}envoy.config.cluster.v3.Cluster`,
  ClusterLoadAssignment: `${TYPE_PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`,
  Secret: `${TYPE_PREFIX}envoy.extensions.transport_sockets.tls.v3.Secret`,
} as const;

/** The config keys of setProxyConfig and the type each holds. */
export const CONFIG_KEYS = {
  listeners: TypeUrl.Listener,
  routes: TypeUrl.RouteConfiguration,
  clusters: TypeUrl.Cluster,
  endpoints: TypeUrl.ClusterLoadAssignment,
  secrets: TypeUrl.Secret,
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Make before break: secrets, clusters, endpoints before listeners and routes (obligation 12). */
export const PUSH_ORDER: readonly string[] = [
  TypeUrl.Secret,
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
];

/** LDS and CDS responses in SotW must hold every subscribed resource (obligation 18). */
export const FULL_STATE_TYPES = new Set<string>([TypeUrl.Listener, TypeUrl.Cluster]);
