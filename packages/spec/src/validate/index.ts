import type { Diagnostic, SpecResource } from '../model/resource.ts';

export interface ValidateOptions {
  /** References to resources outside the input become warnings instead of errors. */
  partial?: boolean;
}

/** Validates a whole input at once (schema, references, semantics); returns every finding, positioned. */
export function validateResources(_resources: SpecResource[], _opts: ValidateOptions = {}): Diagnostic[] {
  return [];
}
