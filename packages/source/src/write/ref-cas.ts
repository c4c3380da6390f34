import * as fs from 'node:fs';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';

/** The ref no longer points where the writer expected: someone committed first. */
export class HeadMovedError extends Error {
  override readonly name = 'HeadMovedError';
  readonly head: string | null;
  constructor(ref: string, expected: string, head: string | null) {
    super(`${ref} moved from ${expected.slice(0, 12)} to ${head?.slice(0, 12) ?? 'nothing'}`);
    this.head = head;
  }
}

/** The commit a ref names now, or null when it does not exist. */
export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return null;
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Moves `ref` from `expected` to `next`, or throws HeadMovedError. Uses git's own protocol (an exclusive
 * `<ref>.lock` file renamed over the loose ref), so it is atomic against the git CLI and other writers too.
 */
export async function compareAndSwapRef(
  gitdir: string,
  ref: string,
  expected: string,
  next: string,
): Promise<void> {
  const file = join(gitdir, ref);
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  let fd: number | undefined;
  for (let i = 0; fd === undefined; i++) {
    try {
      fd = openSync(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 50) {
        throw new HeadMovedError(ref, expected, await readRef(gitdir, ref));
      }
      await sleep(20);
    }
  }
  try {
    const head = await readRef(gitdir, ref);
    if (head !== expected) throw new HeadMovedError(ref, expected, head);
    writeSync(fd, `${next}\n`);
    closeSync(fd);
    fd = undefined;
    renameSync(lock, file);
  } finally {
    if (fd !== undefined) closeSync(fd);
    rmSync(lock, { force: true });
  }
}
