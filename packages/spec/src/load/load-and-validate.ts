import type { Diagnostic, LoadResult, SourceFile } from '../model/resource.ts';
import { type ValidateOptions, validateResources } from '../validate/index.ts';
import { type LoadOptions, loadFiles } from './load-files.ts';

export interface LoadAndValidateResult extends LoadResult {
  /** No error-severity diagnostic. */
  ok: boolean;
}

/** loadFiles + validateResources; diagnostics sorted by file, line, column. */
export function loadAndValidate(files: SourceFile[], opts: LoadOptions = {}): LoadAndValidateResult {
  return validateLoaded(loadFiles(files, opts), opts);
}

/** The validation half of loadAndValidate, for a loader that produced `loaded` its own way. */
export function validateLoaded(loaded: LoadResult, opts: ValidateOptions = {}): LoadAndValidateResult {
  const diagnostics = [...loaded.diagnostics, ...validateResources(loaded.resources, opts)];
  diagnostics.sort(compareDiagnostics);
  return { ...loaded, diagnostics, ok: !diagnostics.some((d) => d.severity === 'error') };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}
