import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Plexus Test',
  GIT_AUTHOR_EMAIL: 'test@plexus.invalid',
  GIT_COMMITTER_NAME: 'Plexus Test',
  GIT_COMMITTER_EMAIL: 'test@plexus.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs the real git CLI; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
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
  constructor(readonly dir: string) {}

  static create(prefix = 'repo'): WorkTree {
    const dir = tempDir(prefix);
    git(dir, 'init', '-q', '-b', 'main');
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
