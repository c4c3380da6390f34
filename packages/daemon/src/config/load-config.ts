import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import './sections/index.ts';
import { configSection, configSectionNames } from './registry.ts';
import type {
  AdminSection,
  ApiSection,
  CaSection,
  IdentitySection,
  OwnershipSection,
  SourcesSection,
  XdsSection,
} from './sections/index.ts';

/** The daemon config file as parsed; each section as its schema produced it. */
export interface DaemonConfig {
  file: string;
  xds?: XdsSection;
  identity?: IdentitySection;
  admin?: AdminSection;
  api?: ApiSection;
  sources?: SourcesSection;
  ownership?: OwnershipSection;
  ca?: CaSection;
  /** `file:line:col` of a key path in the file (what errors and ownership rule labels cite). */
  at?: (path: (string | number)[]) => string;
  /** Sections other capabilities own, already validated by their schemas. */
  [section: string]: unknown;
}

export class ConfigFileError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(errors.join('\n'));
    this.errors = errors;
  }
}

/** The YAML node at a path of keys/indexes, for positions. */
function nodeAt(root: Node | null | undefined, path: (string | number)[]): Node | undefined {
  let n: Node | null | undefined = root;
  let last: Node | undefined = root ?? undefined;
  for (const k of path) {
    if (isMap(n)) {
      const pair = n.items.find((p) => isScalar(p.key) && String(p.key.value) === String(k));
      if (!pair) break;
      n = pair.value as Node | null;
      last = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(n) && typeof k === 'number') {
      n = n.items[k] as Node | null;
      if (!n) break;
      last = n;
    } else break;
  }
  return last;
}

const fmtPath = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/**
 * Reads and validates `plexus run --config FILE`: one YAML document of sections. Every error is
 * `file:line:col: section.field: message`; a file with errors is refused whole.
 */
export function loadDaemonConfig(file: string): DaemonConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError([`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | undefined) => {
    const pos = node?.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) return { file };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigFileError([
      `${at(doc.contents ?? undefined)}: expected a map of sections (${configSectionNames().join(', ')})`,
    ]);
  }
  const out: DaemonConfig = { file, at: (path) => at(nodeAt(doc.contents, path)) };
  const errors: string[] = [];
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const schema = configSection(name);
    if (!schema) {
      const key = isMap(doc.contents)
        ? (doc.contents.items.find((p) => isScalar(p.key) && p.key.value === name)?.key as Node | undefined)
        : undefined;
      errors.push(`${at(key)}: ${name}: unknown section (known: ${configSectionNames().join(', ')})`);
      continue;
    }
    const r = schema.safeParse(value ?? {});
    if (r.success) {
      out[name] = r.data;
      continue;
    }
    for (const issue of r.error.issues) {
      const path = [name, ...(issue.path as (string | number)[])];
      errors.push(`${at(nodeAt(doc.contents, path))}: ${fmtPath(path)}: ${issue.message}`);
    }
  }
  if (errors.length > 0) throw new ConfigFileError(errors);
  return out;
}

/** A path in the config file, relative to the file's directory. */
export function configPath(config: DaemonConfig, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(config.file), p);
}
