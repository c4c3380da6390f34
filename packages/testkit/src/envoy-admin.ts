import { readFile } from 'node:fs/promises';
import { waitFor } from './ports.ts';
import type { Started } from './processes.ts';

/**
 * Envoy command-line arguments for an admin listener on port 0: Envoy writes the address it bound to
 * `addressFile` (read it with `envoyAdminPort`), and picks its own shared-memory base id, so parallel Envoys
 * need no port or id chosen in advance.
 */
export function envoyAdminPortZeroArgs(addressFile: string): string[] {
  return ['--admin-address-path', addressFile, '--use-dynamic-base-id'];
}

/** The admin port Envoy wrote to `addressFile` (`127.0.0.1:PORT`), once it is listening. */
export async function envoyAdminPort(
  addressFile: string,
  envoy: Started,
  timeoutMs = 30_000,
): Promise<number> {
  let port = 0;
  try {
    await waitFor(
      async () => {
        if (envoy.proc.exitCode !== null) return true;
        port = Number(/:(\d+)\s*$/.exec(await readFile(addressFile, 'utf8'))?.[1] ?? 0);
        return port > 0;
      },
      { timeoutMs, intervalMs: 25, what: `Envoy to write its admin address to ${addressFile}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${envoy.output().slice(-2000)}`);
  }
  if (port === 0)
    throw new Error(`Envoy exited before its admin listener was up\n${envoy.output().slice(-2000)}`);
  return port;
}
