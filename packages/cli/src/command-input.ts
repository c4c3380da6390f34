import type { SourceFile } from '@plexus/spec';
import { UsageError } from './parse-args.ts';
import { registerPluginDiscoveryKeys } from './plugin-keys.ts';
import { PathNotFoundError, readSourcePaths } from './read-paths.ts';

/** For a command's argument-parsing catch: prints a UsageError with the usage text and returns exit status 2. */
export function usageFailure(command: string, usage: string, err: unknown): 2 {
  if (!(err instanceof UsageError)) throw err;
  console.error(`plexus ${command}: ${err.message}\n\n${usage}`);
  return 2;
}

/** Reads the spec files under `paths`; a missing path is printed as `plexus <command>: ...` and gives undefined. */
export function readCommandPaths(command: string, paths: string[]): SourceFile[] | undefined {
  try {
    return readSourcePaths(paths);
  } catch (err) {
    if (!(err instanceof PathNotFoundError)) throw err;
    console.error(`plexus ${command}: ${err.message}`);
    return undefined;
  }
}

/**
 * registerPluginDiscoveryKeys for a command: a plugin package that fails to load is printed as
 * `plexus <command>: ...` and gives undefined (exit status 2).
 */
export async function registerCommandPlugins(
  command: string,
  plugins: string | undefined,
): Promise<(() => void) | undefined> {
  try {
    return await registerPluginDiscoveryKeys(plugins);
  } catch (err) {
    console.error(`plexus ${command}: ${(err as Error).message}`);
    return undefined;
  }
}
