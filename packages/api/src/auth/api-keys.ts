import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

/** One entry of `--api-keys FILE` (DESIGN.md "App Mesh API"). */
export interface ApiKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** `Name <email>`: the author of the commits its writes make. */
  author: string;
  /** Meshes the key may change; absent: all. */
  meshes?: string[];
}

export class ApiKeysError extends Error {}

const AUTHOR = /^([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>$/;
const KEY_ID = /^[A-Z0-9]{16,128}$/;

/** `Name <email>` → its two parts. */
export function parseAuthor(author: string): { name: string; email: string } {
  const m = AUTHOR.exec(author.trim());
  if (!m) throw new Error(`author '${author}' is not "Name <email>"`);
  return { name: m[1], email: m[2] };
}

/** Reads and checks an API keys file; every problem names file:line and the field. Secrets never echoed. */
export function parseApiKeys(text: string, file: string): ApiKey[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const where = (offset: number | undefined) =>
    `${file}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  if (doc.errors.length > 0)
    throw new ApiKeysError(`${where(doc.errors[0].pos[0])}: ${doc.errors[0].message.split('\n')[0]}`);
  if (!isSeq(doc.contents))
    throw new ApiKeysError(
      `${where(0)}: expected a YAML list of {accessKeyId, secretAccessKey, author, meshes?}`,
    );
  const problems: string[] = [];
  const keys: ApiKey[] = [];
  const seen = new Set<string>();
  doc.contents.items.forEach((item, i) => {
    const at = where((item as { range?: number[] }).range?.[0]);
    if (!isMap(item)) {
      problems.push(`${at}: [${i}]: expected a mapping`);
      return;
    }
    const v = item.toJSON() as Record<string, unknown>;
    const fieldAt = (k: string) =>
      where(
        (item.get(k, true) as { range?: number[] } | undefined)?.range?.[0] ??
          (item as { range?: number[] }).range?.[0],
      );
    for (const k of Object.keys(v)) {
      if (!['accessKeyId', 'secretAccessKey', 'author', 'meshes'].includes(k))
        problems.push(`${fieldAt(k)}: [${i}].${k}: unknown field`);
    }
    if (typeof v.accessKeyId !== 'string' || !KEY_ID.test(v.accessKeyId)) {
      problems.push(
        `${fieldAt('accessKeyId')}: [${i}].accessKeyId: required, 16-128 upper-case letters and digits`,
      );
    } else if (seen.has(v.accessKeyId)) {
      problems.push(`${fieldAt('accessKeyId')}: [${i}].accessKeyId: ${v.accessKeyId} listed twice`);
    }
    if (typeof v.secretAccessKey !== 'string' || v.secretAccessKey.length < 16) {
      problems.push(
        `${fieldAt('secretAccessKey')}: [${i}].secretAccessKey: required, at least 16 characters`,
      );
    }
    if (typeof v.author !== 'string' || !AUTHOR.test(v.author.trim())) {
      problems.push(`${fieldAt('author')}: [${i}].author: required, "Name <email>"`);
    }
    const meshes = v.meshes;
    if (
      meshes !== undefined &&
      (!Array.isArray(meshes) || !meshes.every((m) => typeof m === 'string' && m))
    ) {
      problems.push(`${fieldAt('meshes')}: [${i}].meshes: a list of mesh names`);
    }
    if (typeof v.accessKeyId === 'string') seen.add(v.accessKeyId);
    keys.push({
      accessKeyId: String(v.accessKeyId),
      secretAccessKey: String(v.secretAccessKey),
      author: String(v.author ?? '').trim(),
      ...(Array.isArray(meshes) ? { meshes: meshes as string[] } : {}),
    });
  });
  if (problems.length > 0) throw new ApiKeysError(problems.join('\n'));
  return keys;
}

export function loadApiKeys(file: string): ApiKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ApiKeysError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseApiKeys(text, file);
}
