import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '@plexus/spec';

export const goldenRoot = join(import.meta.dirname, 'golden');

export function goldenCases(): string[] {
  return readdirSync(goldenRoot)
    .filter((d) => statSync(join(goldenRoot, d)).isDirectory())
    .sort();
}

/** Every file under `dir`, paths relative to it (as a source hands a tree to the spec stage). */
export function readTree(dir: string, prefix = ''): SourceFile[] {
  const out: SourceFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(abs).isDirectory()) out.push(...readTree(abs, rel));
    else out.push({ path: rel, content: readFileSync(abs, 'utf8') });
  }
  return out;
}
