import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initRepo, git as runGit } from '@plexus/testkit';

/** Runs the real git CLI (@plexus/testkit's identity and env); returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return runGit(cwd, args);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `plexus-source-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes (or, for null, deletes) files under `root`, creating folders. */
export function writeFiles(root: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const full = join(root, rel);
    if (content === null) rmSync(full, { force: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
}

/** A work tree made with `git init`, with helpers that commit through the CLI. */
export class WorkTree {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  static create(prefix = 'repo'): WorkTree {
    const dir = tempDir(prefix);
    initRepo(dir);
    return new WorkTree(dir);
  }

  git(...args: string[]): string {
    return git(this.dir, ...args);
  }

  /** Writes the files, stages everything and commits; returns the new commit SHA. */
  commit(files: Record<string, string | null>, message = 'change'): string {
    writeFiles(this.dir, files);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  head(ref = 'HEAD'): string {
    return this.git('rev-parse', ref);
  }
}
