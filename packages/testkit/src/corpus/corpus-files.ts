import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Kind, SourceFile } from '@plexus/spec';
import { corpusDir } from '../paths.ts';

/** Real App Mesh spec files from aws-app-mesh-examples (MIT-0); see corpusDir. */
export const CORPUS_DIR = corpusDir;

export interface CorpusEntry {
  file: string;
  src: string;
  format: 'k8s-crd' | 'cli-json' | 'cloudformation';
  rendered: boolean;
}

export interface ExpectedFailure {
  file: string;
  reason: string;
  /** Line of the first error, when it is worth pinning. */
  line?: number;
  /** A piece of the first error's message. */
  message?: string;
  /** Resources per kind in documents that cannot load (a YAML syntax error drops its document). */
  lost?: Partial<Record<Kind, number>>;
}

export const CORPUS: CorpusEntry[] = JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8'));

export const EXPECTED_FAILURES: Map<string, ExpectedFailure> = new Map(
  (
    JSON.parse(readFileSync(join(import.meta.dirname, 'expected-failures.json'), 'utf8')) as {
      failures: ExpectedFailure[];
    }
  ).failures.map((f) => [f.file, f]),
);

export function readCorpusFile(entry: CorpusEntry): SourceFile {
  return { path: entry.file, content: readFileSync(join(CORPUS_DIR, entry.file), 'utf8') };
}

/** Name keys of App Mesh CLI input, most specific first (a Route file also has virtualRouterName). */
const CLI_KEYS: ReadonlyArray<[string, Kind]> = [
  ['gatewayRouteName', 'GatewayRoute'],
  ['routeName', 'Route'],
  ['virtualGatewayName', 'VirtualGateway'],
  ['virtualRouterName', 'VirtualRouter'],
  ['virtualServiceName', 'VirtualService'],
  ['virtualNodeName', 'VirtualNode'],
];

/** The kind a walkthrough's spec-only file is for, from its file name (`-vn`, `-vs`, `gateway-route`, ...). */
export function kindFromFileName(file: string): Kind {
  const name = basename(file, '.json').split('__').pop() ?? '';
  if (/gateway-route/.test(name)) return 'GatewayRoute';
  if (/-vg\b/.test(name)) return 'VirtualGateway';
  if (/-vn\b/.test(name)) return 'VirtualNode';
  if (/-vs\b/.test(name)) return 'VirtualService';
  if (/-vr\b/.test(name)) return 'VirtualRouter';
  if (/route/.test(name)) return 'Route';
  throw new Error(`cannot tell the kind of ${file} from its name`);
}

/** True when CLI JSON lacks meshName or a name key, as the walkthroughs pass them on the command line. */
export function needsNames(content: string): boolean {
  return (
    !/"meshName"\s*:/.test(content) || !CLI_KEYS.some(([key]) => new RegExp(`"${key}"\\s*:`).test(content))
  );
}

/** Adds meshName and name keys as the walkthrough's `aws appmesh create-* --mesh-name ...` did. */
export function wrapWithNames(file: SourceFile): SourceFile {
  const value = JSON.parse(file.content) as Record<string, unknown>;
  const kind = CLI_KEYS.find(([key]) => key in value)?.[1] ?? kindFromFileName(file.path);
  const base = basename(file.path, '.json').split('__').pop() ?? 'x';
  const names: Record<string, string> = { meshName: 'corpus' };
  if (kind === 'Route') Object.assign(names, { virtualRouterName: 'corpus-router', routeName: base });
  else if (kind === 'GatewayRoute')
    Object.assign(names, { virtualGatewayName: 'corpus-gw', gatewayRouteName: base });
  else if (kind !== 'Mesh') names[CLI_KEYS.find(([, k]) => k === kind)![0]] = base;
  return { path: file.path, content: JSON.stringify({ ...names, ...value }, null, 2) };
}

const CRD_KINDS = [
  'Mesh',
  'VirtualNode',
  'VirtualService',
  'VirtualRouter',
  'VirtualGateway',
  'GatewayRoute',
];

/**
 * Counts App Mesh resources without the loader: for CRDs in raw text (no YAML parser), per `---` document an
 * `appmesh.k8s.aws/v1beta2` object of an App Mesh kind, plus each list item under a router's `routes:`;
 * for CLI JSON, the most specific top-level name key.
 */
export function independentCount(entry: CorpusEntry, content: string): Partial<Record<Kind, number>> {
  const counts: Partial<Record<Kind, number>> = {};
  const add = (kind: Kind, n = 1) => {
    if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
  };
  if (entry.format === 'cli-json') {
    const keys = Object.keys(JSON.parse(content) as object);
    const hit = CLI_KEYS.find(([key]) => keys.includes(key));
    if (hit) add(hit[1]);
    else if (keys.includes('meshName')) add('Mesh');
    return counts;
  }
  if (entry.format !== 'k8s-crd') return counts;
  for (const doc of content.split(/^---.*$/m)) {
    if (!/^apiVersion:\s*["']?appmesh\.k8s\.aws\/v1beta2/m.test(doc)) continue;
    const kind = /^kind:\s*(\w+)/m.exec(doc)?.[1];
    if (!kind || !CRD_KINDS.includes(kind)) continue;
    add(kind as Kind);
    if (kind === 'VirtualRouter') add('Route', countEmbeddedRoutes(doc));
  }
  return counts;
}

/** List items directly under `routes:` (at the indentation of its first item). */
function countEmbeddedRoutes(doc: string): number {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^\s+routes:\s*$/.test(l));
  if (start === -1) return 0;
  const keyIndent = lines[start].search(/\S/);
  let itemIndent = -1;
  let n = 0;
  for (const line of lines.slice(start + 1)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.search(/\S/);
    if (indent < keyIndent || (indent === keyIndent && !trimmed.startsWith('- '))) break;
    if (!trimmed.startsWith('- ')) continue;
    if (itemIndent === -1) itemIndent = indent;
    if (indent === itemIndent) n++;
  }
  return n;
}
