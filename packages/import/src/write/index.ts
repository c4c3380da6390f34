import type { SpecResource } from '@plexus/spec';
import { writeCliJson } from './cli-json.ts';
import { writeCrds } from './crd.ts';
import type { WriteResult } from './files.ts';
import { writeNative } from './native.ts';

export type OutputFormat = 'native' | 'crd' | 'cli-json';

/** The files `plexus import --format F` writes for these resources. Pure: the caller writes them. */
export function writeResources(resources: readonly SpecResource[], format: OutputFormat): WriteResult {
  if (format === 'crd') return writeCrds(resources);
  if (format === 'cli-json') return writeCliJson(resources);
  return writeNative(resources);
}

export { ORIGIN_TAG } from './cli-json.ts';
export type { OutputFile, WriteProblem, WriteResult } from './files.ts';
