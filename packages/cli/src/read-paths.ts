import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceFile } from '@plexus/spec';

// As @plexus/source's SPEC_EXTENSIONS: the spec formats plus what @plexus/import's readers take.
const SPEC_EXTENSIONS = ['.yaml', '.yml', '.json', '.template', '.parameters', '.tf', '.tfvars'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** A path on the command line that does not exist or cannot be read; the message names it. */
export class PathNotFoundError extends Error {}

/**
 * Where a relative path on the command line is relative to. Inside an npm workspace, `npx plexus` runs with
 * the workspace package as its cwd; npm keeps the user's directory in INIT_CWD.
 */
export function userDirectory(): string {
  return process.env.INIT_CWD || process.cwd();
}

/**
 * Reads spec files from files and directories. A file named explicitly is always read; a directory is
 * walked recursively for spec files (SPEC_EXTENSIONS), skipping node_modules and .git. Paths keep the form given.
 */
export function readSourcePaths(paths: string[]): SourceFile[] {
  const base = userDirectory();
  const files: SourceFile[] = [];
  for (const path of paths) {
    const abs = resolve(base, path);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(abs);
    } catch {
      throw new PathNotFoundError(`no such file or directory: ${path}`);
    }
    if (stat.isDirectory()) walk(abs, path, files);
    else files.push({ path, content: readText(abs, path) });
  }
  return files;
}

function readText(abs: string, shown: string): string {
  try {
    return readFileSync(abs, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PathNotFoundError(`cannot read ${shown}: ${e.code ?? e.message}`);
  }
}

function walk(abs: string, shown: string, out: SourceFile[]): void {
  let listed: Dirent[];
  try {
    listed = readdirSync(abs, { withFileTypes: true });
  } catch (err) {
    throw new PathNotFoundError(`cannot read ${shown}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const entries = listed.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const childAbs = join(abs, entry.name);
    const childShown = join(shown, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(childAbs, childShown, out);
    } else if (entry.isFile() && isWalkedSpecFile(entry.name)) {
      out.push({ path: childShown, content: readText(childAbs, childShown) });
    }
  }
}

/** `x.template` is CloudFormation's old convention; `x.yaml.template` is an envsubst template, not a spec. */
function isWalkedSpecFile(name: string): boolean {
  if (/\.(ya?ml|json)\.template$/.test(name)) return false;
  return SPEC_EXTENSIONS.some((ext) => name.endsWith(ext));
}
