import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSpecFile } from '../spec-files.ts';
import type { SourceFile } from '../types.ts';

/** Folders never read in dev mode. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export type DirectoryRead =
  | { settled: true; files: SourceFile[]; id: string }
  /** A file changed while it was read, or too recently to be sure its writer is done: try again later. */
  | { settled: false };

async function listSpecFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) out.push(...(await listSpecFiles(root, rel)));
    } else if (e.isFile() && isSpecFile(e.name)) out.push(rel);
  }
  return out;
}

function fingerprint(s: { size: number; mtimeMs: number }): string {
  return `${s.size}:${s.mtimeMs}`;
}

/** sha256 of the sorted (path, content) list: the revision id of a plain directory. */
export function hashFiles(files: SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.path).update('\0').update(f.content).update('\0');
  return h.digest('hex');
}

/**
 * Reads every spec file under `root` as one consistent snapshot: each file is stat'ed before and after it is
 * read, and the snapshot is refused if any file changed meanwhile, was modified less than `settleMs` ago, or
 * a file appeared or vanished while reading.
 */
export async function readDirectorySnapshot(root: string, settleMs: number): Promise<DirectoryRead> {
  const paths = (await listSpecFiles(root)).sort();
  const now = Date.now();
  const files: SourceFile[] = [];
  for (const rel of paths) {
    const full = join(root, rel);
    try {
      const before = await stat(full);
      if (now - before.mtimeMs < settleMs) return { settled: false };
      const content = await readFile(full, 'utf8');
      const after = await stat(full);
      if (fingerprint(before) !== fingerprint(after) || Buffer.byteLength(content) !== after.size) {
        return { settled: false };
      }
      files.push({ path: rel, content });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { settled: false };
      throw err;
    }
  }
  const again = (await listSpecFiles(root)).sort();
  if (again.join('\n') !== paths.join('\n')) return { settled: false };
  return { settled: true, files, id: hashFiles(files) };
}
