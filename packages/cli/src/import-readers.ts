import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createImportReaders } from '@plexus/import';
import type { FormatReader, SourceFile } from '@plexus/spec';
import { userDirectory } from './read-paths.ts';

/** The `--parameters FILE` / `--values FILE` options every loading command takes. */
export const IMPORT_OPTIONS = { '--parameters': [], '--values': [] } as const;

export const IMPORT_USAGE = `  --parameters FILE  CloudFormation parameters ([{ParameterKey, ParameterValue}], {"Parameters": {...}} or
                     Key=Value lines) or Terraform variables (.tfvars, .tfvars.json or NAME=VALUE lines)
  --values FILE      values Plexus cannot read from the IaC (region, accountId, exports, attributes of other
                     resources), over the tree's plexus-values.yaml files (see docs/import.md)`;

export function readOptionFile(path: string | undefined): SourceFile | undefined {
  if (path === undefined) return undefined;
  return { path, content: readFileSync(resolve(userDirectory(), path), 'utf8') };
}

/**
 * The @plexus/import readers for a command (CloudFormation, CDK, Terraform); a missing option file is
 * printed as `plexus <command>: ...` and gives undefined (exit status 2).
 */
export async function commandReaders(
  command: string,
  options: ReadonlyMap<string, string>,
): Promise<FormatReader[] | undefined> {
  try {
    return await createImportReaders({
      parameters: readOptionFile(options.get('--parameters')),
      values: readOptionFile(options.get('--values')),
    });
  } catch (err) {
    console.error(`plexus ${command}: ${(err as Error).message}`);
    return undefined;
  }
}
