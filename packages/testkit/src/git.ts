/** The real git CLI for tests, demos and benchmarks: a fixed identity and no user/system config. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Plexus Test',
  GIT_AUTHOR_EMAIL: 'test@plexus.invalid',
  GIT_COMMITTER_NAME: 'Plexus Test',
  GIT_COMMITTER_EMAIL: 'test@plexus.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
};

export interface GitOptions {
  /** Added to (and overriding) gitEnv. */
  env?: NodeJS.ProcessEnv;
}

/** Runs `git args` in `cwd`; returns trimmed stdout, throws with git's stderr on failure. */
export function git(cwd: string, args: readonly string[], opts: GitOptions = {}): string {
  return execFileSync('git', args, {
    cwd,
    env: { ...gitEnv, ...opts.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/**
 * `git` without blocking the event loop, for commands that talk to a server running in the same process
 * (clone, push, ls-remote against an in-process git HTTP server).
 */
export function gitAsync(cwd: string, args: readonly string[], opts: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      args,
      { cwd, env: { ...gitEnv, ...opts.env }, encoding: 'utf8' },
      (err, stdout, stderr) =>
        err ? reject(new Error(`git ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

/** Creates `dir` if needed and runs `git init` there with `branch` as the initial branch. */
export function initRepo(dir: string, branch = 'main'): void {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', branch]);
}

/** Stages everything in the work tree and commits it; returns the new HEAD SHA. */
export function commitAll(dir: string, message: string): string {
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', message]);
  return git(dir, ['rev-parse', 'HEAD']);
}
