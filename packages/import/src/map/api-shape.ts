import {
  type AnySchema,
  didYouMean,
  type FieldPath,
  type Kind,
  type ListSchema,
  type ObjectSchema,
  type SourcePosition,
  SPEC_SCHEMAS,
} from '@plexus/spec';
import type { Findings, Subject } from '../model/diagnostics.ts';
import { type Located, type Plain, plain } from '../model/located.ts';

/** How an IaC format spells the App Mesh API's field names. */
export interface SourceNaming {
  /** The source's name for API key `apiKey` whose schema is `member`. */
  spell(apiKey: string, member: AnySchema): string;
  /**
   * Terraform writes nested objects as blocks, which read as lists: a list of one where the API has an
   * object is that object.
   */
  blocks: boolean;
  /** Prints a source field path for messages, e.g. `Properties.Spec.Listeners[0]`. */
  format(path: FieldPath): string;
}

/** Plexus-only keys of the API shape (discovery extensions) that CloudFormation and Terraform do not have. */
const PLEXUS_ONLY = new Set(['static']);

export interface MappedSpec {
  spec: Record<string, unknown>;
  /** Source position of each API path under spec (keys from `positionKey`). */
  positions: Map<string, SourcePosition>;
}

export function positionKey(path: FieldPath): string {
  return path.join('\u001f');
}

type Obj = ObjectSchema<Record<string, AnySchema>>;

function isObjectSchema(s: AnySchema): s is Obj {
  return 'shape' in s;
}

function isListSchema(s: AnySchema): s is ListSchema<unknown> {
  return 'item' in s;
}

interface MapContext {
  naming: SourceNaming;
  findings: Findings;
  subject: Subject;
  positions: Map<string, SourcePosition>;
}

/**
 * Maps a located spec, as the source wrote it, to the App Mesh API's spec shape: names translated, unknown
 * fields reported at their position (with the close names), numbers and booleans written as strings
 * converted where the API takes a number or boolean (as CloudFormation and Terraform do). Types the API
 * rejects are passed on for the spec validator, which reports them at the same positions.
 */
export function mapSpec(
  kind: Kind,
  source: Located,
  sourcePath: FieldPath,
  naming: SourceNaming,
  findings: Findings,
  subject: Subject,
): MappedSpec {
  const positions = new Map<string, SourcePosition>();
  const ctx: MapContext = { naming, findings, subject, positions };
  positions.set(positionKey([]), source.pos);
  const value = mapValue(source, SPEC_SCHEMAS[kind] as AnySchema, [], [...sourcePath], ctx);
  const spec = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  return { spec: spec as Record<string, unknown>, positions };
}

function mapValue(
  value: Located,
  schema: AnySchema,
  apiPath: Array<string | number>,
  srcPath: Array<string | number>,
  ctx: MapContext,
): Plain | undefined {
  if (isObjectSchema(schema)) {
    if (value.kind === 'list' && ctx.naming.blocks) {
      if (value.items.length === 0) return undefined;
      if (value.items.length > 1) {
        ctx.findings.error(
          value.items[1].pos,
          ctx.naming.format(srcPath),
          `only one ${String(srcPath[srcPath.length - 1])} block is allowed here`,
          ctx.subject,
        );
      }
      return mapValue(value.items[0], schema, apiPath, srcPath, ctx);
    }
    if (value.kind !== 'map') return plain(value);
    return mapObject(value, schema, apiPath, srcPath, ctx);
  }
  if (isListSchema(schema)) {
    if (value.kind === 'map' && isKeyValue(schema.item)) return keyValueList(value, apiPath, ctx);
    if (value.kind !== 'list') return plain(value);
    const out: Plain[] = [];
    value.items.forEach((item, i) => {
      ctx.positions.set(positionKey([...apiPath, out.length]), item.pos);
      const mapped = mapValue(item, schema.item as AnySchema, [...apiPath, out.length], [...srcPath, i], ctx);
      if (mapped !== undefined) out.push(mapped);
    });
    return out;
  }
  if (value.kind !== 'scalar') return plain(value);
  return coerce(value.value, schema);
}

function mapObject(
  value: Extract<Located, { kind: 'map' }>,
  schema: Obj,
  apiPath: Array<string | number>,
  srcPath: Array<string | number>,
  ctx: MapContext,
): Plain {
  const bySource = new Map<string, string>();
  for (const [apiKey, member] of Object.entries(schema.shape)) {
    if (PLEXUS_ONLY.has(apiKey)) continue;
    bySource.set(ctx.naming.spell(apiKey, member), apiKey);
  }
  const out: Record<string, Plain> = {};
  for (const [srcKey, entry] of value.entries) {
    const apiKey = bySource.get(srcKey);
    const here = [...srcPath, srcKey];
    if (apiKey === undefined) {
      ctx.findings.error(
        entry.keyPos,
        ctx.naming.format(here),
        `unknown property '${srcKey}'${didYouMean(srcKey, [...bySource.keys()])}` +
          (bySource.size > 0 ? ` (known here: ${[...bySource.keys()].join(', ')})` : ''),
        ctx.subject,
      );
      continue;
    }
    ctx.positions.set(positionKey([...apiPath, apiKey]), entry.keyPos);
    const mapped = mapValue(entry.value, schema.shape[apiKey] as AnySchema, [...apiPath, apiKey], here, ctx);
    if (mapped !== undefined) out[apiKey] = mapped;
  }
  return out;
}

/** `{key, value}` item lists, which Terraform writes as a map (`attributes = { stack = "blue" }`). */
function isKeyValue(item: AnySchema): boolean {
  if (!isObjectSchema(item)) return false;
  const keys = Object.keys(item.shape).sort();
  return keys.length === 2 && keys[0] === 'key' && keys[1] === 'value';
}

function keyValueList(
  value: Extract<Located, { kind: 'map' }>,
  apiPath: Array<string | number>,
  ctx: MapContext,
): Plain {
  const out: Plain[] = [];
  for (const [key, entry] of value.entries) {
    ctx.positions.set(positionKey([...apiPath, out.length]), entry.keyPos);
    out.push({ key, value: plain(entry.value) });
  }
  return out;
}

/** CloudFormation passes parameters as strings; the API's numbers and booleans take them as the services do. */
function coerce(value: string | number | boolean | null, schema: AnySchema): Plain {
  if (typeof value === 'string') {
    if (schema.expected === 'an integer' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
    if (schema.expected === 'a boolean' && (value === 'true' || value === 'false')) return value === 'true';
  }
  if (typeof value === 'number' && schema.expected === 'a string') return String(value);
  if (typeof value === 'boolean' && schema.expected === 'a string') return String(value);
  return value;
}

/** Positions of a mapped spec as SpecResource.positionOf: the nearest recorded ancestor of the path. */
export function positionLookup(
  positions: Map<string, SourcePosition>,
  fallback: SourcePosition,
): (path: FieldPath) => SourcePosition {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const hit = positions.get(positionKey(path.slice(0, n)));
      if (hit) return hit;
    }
    return fallback;
  };
}
