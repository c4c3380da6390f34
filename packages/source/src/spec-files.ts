import { SourceError } from './errors.ts';

/**
 * Extensions of files the spec stage can load (its own formats, and CloudFormation templates, parameter
 * files and Terraform for @plexus/import's readers); everything else in the tree is ignored.
 */
export const SPEC_EXTENSIONS = [
  '.yaml',
  '.yml',
  '.json',
  '.template',
  '.parameters',
  '.tf',
  '.tfvars',
] as const;

export function isSpecFile(path: string): boolean {
  const lower = path.toLowerCase();
  // `x.template` is CloudFormation's old convention; `x.yaml.template` is an envsubst template, not a spec.
  if (/\.(ya?ml|json)\.template$/.test(lower)) return false;
  return SPEC_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Normalises a user-given subdirectory to a POSIX path without leading/trailing slashes ('' = root). */
export function normaliseSubdir(path: string | undefined): string {
  if (!path) return '';
  const parts = path.split(/[\\/]+/).filter((p) => p && p !== '.');
  if (parts.includes('..')) throw new SourceError('config', `path must stay inside the repository: ${path}`);
  return parts.join('/');
}
