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

/** What the xDS server itself speaks; every other type loads on first use (see envoyType). */
const BASE_FILES = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/status/v3/csds.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
];

const dirs = protoDirs();
let root: protobuf.Root | undefined;
let index: Map<string, string> | undefined;

function findFile(rel: string): string | null {
  for (const d of dirs) if (existsSync(join(d, rel))) return join(d, rel);
  return null;
}

/**
 * The shared protobufjs root: the discovery, CSDS and resource protos, plus whatever envoyType has loaded since.
 * Loading all ~370 Envoy v3 protos up front cost ~20 MB of heap that a control plane using a dozen extension
 * types never touches.
 */
export function envoyRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => findFile(target) ?? target;
  r.loadSync(BASE_FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

/** Top-level message and enum names of every shipped v3 proto → its file, from a text scan (no parsing). */
function typeIndex(): Map<string, string> {
  if (index) return index;
  const envoyApi = dirs[0];
  const files = walkV3(join(envoyApi, 'envoy'), envoyApi, []).concat([
    'xds/type/v3/typed_struct.proto',
    'udpa/type/v1/typed_struct.proto',
  ]);
  index = new Map();
  for (const rel of files) {
    const path = findFile(rel);
    if (!path) continue;
    const text = readFileSync(path, 'utf8');
    const pkg = /^package\s+([\w.]+)\s*;/m.exec(text)?.[1];
    if (!pkg) continue;
    for (const m of text.matchAll(/^(?:message|enum)\s+(\w+)/gm)) index.set(`${pkg}.${m[1]}`, rel);
  }
  return index;
}

function lookupLoaded(r: protobuf.Root, name: string): protobuf.Type | null {
  const found = r.lookup(name, [protobuf.Type]);
  return found instanceof protobuf.Type ? found : null;
}

/**
 * A message type by full name (`envoy.extensions.filters.http.router.v3.Router`), loading its file and imports
 * on first use. Throws for a name no shipped proto declares.
 */
export function envoyType(name: string): protobuf.Type {
  const r = envoyRoot();
  const bare = name.startsWith('.') ? name.slice(1) : name;
  const loaded = lookupLoaded(r, bare);
  if (loaded) return loaded;
  // A nested type lives in the file of its outermost message.
  const parts = bare.split('.');
  let file: string | undefined;
  for (let n = parts.length; n > 1 && !file; n--) file = typeIndex().get(parts.slice(0, n).join('.'));
  if (file) {
    try {
      r.loadSync(file, { keepCase: true });
      r.resolveAll();
    } catch (err) {
      throw new Error(`cannot load ${file} for ${bare}: ${(err as Error).message}`);
    }
  }
  const type = lookupLoaded(r, bare);
  if (!type) throw new Error(`no such type ${bare}`);
  return type;
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
