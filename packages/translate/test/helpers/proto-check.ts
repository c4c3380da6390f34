import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { envoyProtoDirs, repoRoot } from '@plexus/testkit';
import protobuf from 'protobufjs';

/** The Envoy v3 protos our resources use, loaded at run time from @grpc/grpc-js-xds/deps. */
const FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/health_check/v3/health_check.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/grpc/v3/als.proto',
  'envoy/config/trace/v3/opentelemetry.proto',
  'envoy/config/trace/v3/zipkin.proto',
  'envoy/config/trace/v3/xray.proto',
  'envoy/config/trace/v3/datadog.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/ext_authz/v3/ext_authz.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/ratelimit/v3/rate_limit.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/lua/v3/lua.proto',
];

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const dir of [...envoyProtoDirs, join(repoRoot, 'node_modules/protobufjs')]) {
      const p = join(dir, target);
      if (existsSync(p)) return p;
    }
    return target;
  };
  r.loadSync(FILES, { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
]);

/**
 * Checks a proto3 JSON value against an Envoy message type strictly: every key must be a field (or `@type` of an
 * Any), enums must name a value, at most one member of a oneof, nested Any resolved by `@type`. Returns problems.
 */
export function protoCheck(json: Record<string, unknown>): string[] {
  const r = loadRoot();
  const typeUrl = String(json['@type'] ?? '');
  const problems: string[] = [];
  const type = lookup(r, typeUrl);
  if (!type) return [`unknown @type ${typeUrl}`];
  checkMessage(r, type, json, '$', problems, true);
  return problems;
}

function lookup(r: protobuf.Root, typeUrl: string): protobuf.Type | undefined {
  const name = typeUrl.replace(/^type\.googleapis\.com\//, '');
  try {
    return r.lookupType(name);
  } catch {
    return undefined;
  }
}

function checkMessage(
  r: protobuf.Root,
  type: protobuf.Type,
  v: unknown,
  path: string,
  out: string[],
  isAny = false,
): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    out.push(`${path}: expected object for ${type.fullName}`);
    return;
  }
  const oneofSeen = new Map<string, string>();
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k === '@type' && isAny) continue;
    const field = type.fields[k] ?? Object.values(type.fields).find((f) => f.options?.json_name === k);
    if (!field) {
      out.push(`${path}.${k}: no field '${k}' in ${type.fullName}`);
      continue;
    }
    if (field.partOf) {
      const prev = oneofSeen.get(field.partOf.name);
      if (prev) out.push(`${path}: oneof ${field.partOf.name} has both ${prev} and ${k}`);
      oneofSeen.set(field.partOf.name, k);
    }
    checkField(r, field, val, `${path}.${k}`, out);
  }
}

function checkField(r: protobuf.Root, field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  if (field.map) {
    if (!v || typeof v !== 'object') return void out.push(`${path}: expected map`);
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      checkValue(r, field, item, `${path}[${k}]`, out);
    }
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(v)) return void out.push(`${path}: expected array`);
    for (const [i, item] of v.entries()) checkValue(r, field, item, `${path}[${i}]`, out);
    return;
  }
  checkValue(r, field, v, path, out);
}

function checkValue(r: protobuf.Root, field: protobuf.Field, v: unknown, path: string, out: string[]): void {
  const t = field.resolvedType;
  if (!t) {
    if (field.type === 'string' && typeof v !== 'string') out.push(`${path}: expected string`);
    if (field.type === 'bool' && typeof v !== 'boolean') out.push(`${path}: expected bool`);
    if (SCALARS.has(field.type) && typeof v !== 'number' && !(typeof v === 'string' && /^-?\d+$/.test(v))) {
      out.push(`${path}: expected number`);
    }
    return;
  }
  if (t instanceof protobuf.Enum) {
    if (typeof v !== 'string' || !(v in t.values))
      out.push(`${path}: '${String(v)}' is not in enum ${t.fullName}`);
    return;
  }
  const type = t as protobuf.Type;
  switch (type.fullName) {
    case '.google.protobuf.Duration':
      if (typeof v !== 'string' || !/^-?\d+(\.\d+)?s$/.test(v))
        out.push(`${path}: bad Duration ${String(v)}`);
      return;
    case '.google.protobuf.Struct':
    case '.google.protobuf.Value':
    case '.google.protobuf.ListValue':
      return;
    case '.google.protobuf.UInt32Value':
    case '.google.protobuf.UInt64Value':
    case '.google.protobuf.Int64Value':
    case '.google.protobuf.Int32Value':
    case '.google.protobuf.DoubleValue':
      if (typeof v !== 'number') out.push(`${path}: expected number wrapper`);
      return;
    case '.google.protobuf.BoolValue':
      if (typeof v !== 'boolean') out.push(`${path}: expected bool wrapper`);
      return;
    case '.google.protobuf.StringValue':
      if (typeof v !== 'string') out.push(`${path}: expected string wrapper`);
      return;
    case '.google.protobuf.Any': {
      const url = String((v as Record<string, unknown>)?.['@type'] ?? '');
      const inner = lookup(r, url);
      if (!inner) return void out.push(`${path}: unknown Any @type '${url}'`);
      checkMessage(r, inner, v, path, out, true);
      return;
    }
    default:
      checkMessage(r, type, v, path, out);
  }
}
