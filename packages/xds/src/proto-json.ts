import protobuf from 'protobufjs';
import { envoyType, TYPE_PREFIX } from './protos.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = Record<string, unknown>;

/** A proto3-JSON value that does not fit its field: names the path so the author can find it. */
export class ProtoJsonError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

const WRAPPERS = new Set(
  [
    'DoubleValue',
    'FloatValue',
    'Int64Value',
    'UInt64Value',
    'Int32Value',
    'UInt32Value',
    'BoolValue',
    'StringValue',
    'BytesValue',
  ].map((n) => `.google.protobuf.${n}`),
);

const fieldIndex = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

function fieldsByJsonName(type: protobuf.Type): Map<string, protobuf.Field> {
  let idx = fieldIndex.get(type);
  if (!idx) {
    idx = new Map();
    for (const f of type.fieldsArray) {
      idx.set(f.name, f);
      idx.set(
        f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
        f,
      );
      const jsonName = f.options?.json_name;
      if (typeof jsonName === 'string') idx.set(jsonName, f);
    }
    fieldIndex.set(type, idx);
  }
  return idx;
}

function parseDuration(path: string, v: unknown): Obj {
  if (typeof v !== 'string') throw new ProtoJsonError(path, `expected a duration string like "1.5s"`);
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(v);
  if (!m) throw new ProtoJsonError(path, `invalid duration "${v}"`);
  const sign = m[1] ? -1 : 1;
  const nanos = m[3] ? Number(m[3].padEnd(9, '0')) : 0;
  return { seconds: String(sign * Number(m[2])), nanos: sign * nanos };
}

/** google.protobuf.Timestamp (as protobufjs takes it) of an epoch-ms time. */
export function timestampFromMs(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

function parseTimestamp(path: string, v: unknown): Obj {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new ProtoJsonError(path, `invalid timestamp ${JSON.stringify(v)}`);
  return timestampFromMs(ms);
}

function toValue(v: Json): Obj {
  if (v === null) return { null_value: 0 };
  if (typeof v === 'number') return { number_value: v };
  if (typeof v === 'string') return { string_value: v };
  if (typeof v === 'boolean') return { bool_value: v };
  if (Array.isArray(v)) return { list_value: { values: v.map(toValue) } };
  return { struct_value: toStruct(v) };
}

function toStruct(v: { [k: string]: Json }): Obj {
  const fields: Obj = {};
  for (const [k, x] of Object.entries(v)) fields[k] = toValue(x);
  return { fields };
}

/** Encodes a proto3 JSON object with "@type" into Any bytes' payload; returns { type_url, value }. */
export function anyFromJson(json: Obj, path = '$'): { type_url: string; value: Uint8Array } {
  const url = json['@type'];
  if (typeof url !== 'string') throw new ProtoJsonError(path, 'missing "@type"');
  const typeName = url.slice(url.lastIndexOf('/') + 1);
  let type: protobuf.Type;
  try {
    type = envoyType(typeName);
  } catch {
    throw new ProtoJsonError(`${path}.@type`, `unknown type "${typeName}"`);
  }
  const { '@type': _ignored, ...rest } = json;
  // Well-known types with a special JSON form put it under "value".
  const special =
    type.fullName.startsWith('.google.protobuf.') &&
    'value' in rest &&
    type.fullName !== '.google.protobuf.Any';
  const body = convert(type, special ? rest.value : rest, path);
  const value = type.encode(type.fromObject(body as Obj)).finish();
  return { type_url: url.includes('/') ? url : TYPE_PREFIX + url, value };
}

function convert(type: protobuf.Type, v: unknown, path: string): unknown {
  switch (type.fullName) {
    case '.google.protobuf.Any':
      if (!v || typeof v !== 'object') throw new ProtoJsonError(path, 'expected an object with "@type"');
      return anyFromJson(v as Obj, path);
    case '.google.protobuf.Duration':
      return parseDuration(path, v);
    case '.google.protobuf.Timestamp':
      return parseTimestamp(path, v);
    case '.google.protobuf.Struct':
      if (!v || typeof v !== 'object' || Array.isArray(v))
        throw new ProtoJsonError(path, 'expected an object');
      return toStruct(v as { [k: string]: Json });
    case '.google.protobuf.Value':
      return toValue(v as Json);
    case '.google.protobuf.ListValue':
      if (!Array.isArray(v)) throw new ProtoJsonError(path, 'expected an array');
      return { values: (v as Json[]).map(toValue) };
    case '.google.protobuf.FieldMask':
      return { paths: typeof v === 'string' && v ? v.split(',') : [] };
    case '.google.protobuf.Empty':
      return {};
  }
  if (WRAPPERS.has(type.fullName)) return { value: v };
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw new ProtoJsonError(path, `expected an object for ${type.fullName.slice(1)}`);
  }
  const idx = fieldsByJsonName(type);
  const out: Obj = {};
  for (const [key, val] of Object.entries(v as Obj)) {
    const field = idx.get(key);
    if (!field) throw new ProtoJsonError(`${path}.${key}`, `unknown field of ${type.fullName.slice(1)}`);
    if (val === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue;
    const fpath = `${path}.${key}`;
    if (field.map) {
      const m: Obj = {};
      for (const [k, x] of Object.entries(val as Obj)) m[k] = convertField(field, x, `${fpath}.${k}`);
      out[field.name] = m;
    } else if (field.repeated) {
      if (!Array.isArray(val)) throw new ProtoJsonError(fpath, 'expected an array');
      out[field.name] = val.map((x, i) => convertField(field, x, `${fpath}[${i}]`));
    } else {
      out[field.name] = convertField(field, val, fpath);
    }
  }
  return out;
}

function convertField(field: protobuf.Field, v: unknown, path: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return convert(rt, v, path);
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && !(v in rt.values)) {
      throw new ProtoJsonError(path, `unknown enum value "${v}" of ${rt.fullName.slice(1)}`);
    }
    return v;
  }
  return v;
}
