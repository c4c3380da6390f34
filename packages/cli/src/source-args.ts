import { relative } from 'node:path';
import type { SourceFile } from '@plexus/spec';
import { prefixFiles, SOURCE_NAME } from '@plexus/teams';
import { readCommandPaths } from './command-input.ts';
import { UsageError } from './parse-args.ts';

/** A directory loaded as one source of a multi-source daemon (`--source NAME=DIR`). */
export interface SourceDir {
  name: string;
  dir: string;
}

/** `--source NAME=DIR`; NAME as the daemon's source names (it prefixes file paths). */
export function parseSourceArg(value: string): SourceDir {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  if (eq <= 0 || !SOURCE_NAME.test(name) || eq === value.length - 1) {
    throw new UsageError(
      `--source takes NAME=DIR with NAME of letters, digits, '.', '_' or '-' (got '${value}')`,
    );
  }
  return { name, dir: value.slice(eq + 1) };
}

/**
 * Each source's spec files, paths relative to its directory and under its name (`team-a/web.yaml`), as the
 * daemon loads the union. Undefined when a directory cannot be read (printed by readCommandPaths).
 */
export function readSourceDirs(command: string, sources: readonly SourceDir[]): SourceFile[] | undefined {
  const files: SourceFile[] = [];
  for (const { name, dir } of sources) {
    const own = readCommandPaths(command, [dir]);
    if (!own) return undefined;
    files.push(
      ...prefixFiles(
        name,
        own.map((f) => ({ path: relative(dir, f.path) || f.path, content: f.content })),
      ),
    );
  }
  return files;
}
