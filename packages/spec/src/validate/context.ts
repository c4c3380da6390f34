import type { Diagnostic, SpecResource } from '../model/resource.ts';
import type { ResourceIndex } from './resource-index.ts';

export interface RuleContext {
  index: ResourceIndex;
  partial: boolean;
  out: Diagnostic[];
}

/** A rule looks at one resource (and, through the index, its neighbours) and appends findings. */
export type ResourceRule = (resource: SpecResource, ctx: RuleContext) => void;

/** Severity of a missing reference: errors, or warnings in partial mode (the target may live elsewhere). */
export function referenceSeverity(ctx: RuleContext): 'error' | 'warning' {
  return ctx.partial ? 'warning' : 'error';
}
