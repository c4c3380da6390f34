import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Whether any user can traverse every directory above `path` (a checkout under a 0700 home or mktemp -d is not). */
function traversableByAll(path: string): boolean {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/**
 * `path` (a file or folder) as a path an unprivileged test user (an image's uid, Envoy's uid 1337) can read and run:
 * itself when its folders let everyone through, otherwise a copy under the temp folder, made once per content
 * version and shared by later runs.
 */
export function worldReachable(path: string): string {
  const real = realpathSync(path);
  if (traversableByAll(real)) return real;
  const st = statSync(real);
  const key = createHash('sha256').update(`${real}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const root = join(tmpdir(), 'plexus-world-reachable');
  const target = join(root, key, basename(real));
  if (existsSync(target)) return target;
  mkdirSync(root, { recursive: true, mode: 0o755 });
  chmodSync(root, 0o755);
  const staging = join(root, `${key}.${process.pid}.tmp`);
  mkdirSync(staging, { recursive: true, mode: 0o755 });
  cpSync(real, join(staging, basename(real)), { recursive: true, dereference: true });
  try {
    renameSync(staging, join(root, key));
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another worker made the same copy first; theirs is as good
  }
  return target;
}
