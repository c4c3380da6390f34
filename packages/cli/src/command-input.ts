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

const nothing = (command: string) => (command === 'validate' ? 'nothing to validate' : 'no specs to read');

/**
 * Reads the spec files under `paths`. A path that is missing or unreadable, or paths that hold no spec file, are
 * printed as one line `plexus <command>: ...` and give undefined (exit status 1: there is nothing to check).
 */
export function readCommandPaths(command: string, paths: string[]): SourceFile[] | undefined {
  let files: SourceFile[];
  try {
    files = readSourcePaths(paths);
  } catch (err) {
    if (!(err instanceof PathNotFoundError)) throw err;
    console.error(`plexus ${command}: ${err.message}: ${nothing(command)}`);
    return undefined;
  }
  if (files.length === 0) {
    console.error(
      `plexus ${command}: ${nothing(command)}: no .yaml, .yml or .json file in ${paths.join(' ')}`,
    );
    return undefined;
  }
  return files;
}

/**
 * registerPluginDiscoveryKeys for a command: a plugin package that fails to load is printed as
 * `plexus <command>: ...` and gives undefined (exit status 2).
 */
export async function registerCommandPlugins(
  command: string,
  plugins: string[],
): Promise<(() => void) | undefined> {
  try {
    return await registerPluginDiscoveryKeys(plugins);
  } catch (err) {
    console.error(`plexus ${command}: ${(err as Error).message}`);
    return undefined;
  }
}
