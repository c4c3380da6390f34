import type { Diagnostic, SpecResource } from '../model/resource.ts';
import type { ResourceRule, RuleContext } from './context.ts';
import { extensionsRule } from './extension-rules.ts';
import { duplicateDiagnostics, meshDefinedRule, nameRule, parentRule } from './identity-rules.ts';
import { listenerPortsRule, listenerProtocolRule, serviceDiscoveryRequiredRule } from './listener-rules.ts';
import { policyConflictDiagnostics, policyTargetRule } from './policy-rules.ts';
import {
  backendRule,
  gatewayRouteTargetRule,
  routeTargetRule,
  serviceProviderRule,
} from './reference-rules.ts';
import { indexResources } from './resource-index.ts';
import { rolloutRule } from './rollout-rules.ts';
import { routeMatchRule, routeProtocolRule, routeWeightRule } from './route-rules.ts';
import { schemaRule } from './schema-rule.ts';
import { ValidationMemo } from './validation-memo.ts';
import { qualifiedServiceNameRule, routerWithoutRoutesRule } from './warning-rules.ts';

export { formatFieldPath } from './diagnostic.ts';
export { formatDiagnostic } from './format.ts';
export { policyTargetKey } from './policy-rules.ts';
export { ValidationMemo };

export interface ValidateOptions {
  /** References to resources outside the input become warnings instead of errors. */
  partial?: boolean;
  /** Reuses the findings of resources (same objects) whose lookups still answer the same; see ValidationMemo. */
  memo?: ValidationMemo;
}

/** Applied to each resource in order; each rule is defensive, so a spec that failed the schema is still safe. */
const RULES: readonly ResourceRule[] = [
  nameRule,
  meshDefinedRule,
  parentRule,
  schemaRule,
  extensionsRule,
  listenerPortsRule,
  listenerProtocolRule,
  serviceDiscoveryRequiredRule,
  serviceProviderRule,
  backendRule,
  routeTargetRule,
  routeWeightRule,
  routeProtocolRule,
  routeMatchRule,
  gatewayRouteTargetRule,
  qualifiedServiceNameRule,
  routerWithoutRoutesRule,
  policyTargetRule,
  rolloutRule,
];

/** Validates a whole input at once (schema, references, semantics); returns every finding, positioned. */
export function validateResources(resources: SpecResource[], opts: ValidateOptions = {}): Diagnostic[] {
  const partial = opts.partial ?? false;
  const index = indexResources(resources);
  const ctx: RuleContext = { index, partial, out: [] };
  duplicateDiagnostics(ctx);
  policyConflictDiagnostics(resources, ctx);
  const memo = opts.memo;
  memo?.begin(resources);
  for (const resource of resources) {
    if (!memo) {
      runRules(resource, ctx);
      continue;
    }
    const cached = memo.reuse(resource, index, partial);
    if (cached) {
      for (const d of cached) ctx.out.push(d);
      continue;
    }
    const tracked = memo.tracking(index);
    const own: RuleContext = { index: tracked.index, partial, out: [] };
    runRules(resource, own);
    memo.remember(resource, partial, own.out, tracked.lookups);
    for (const d of own.out) ctx.out.push(d);
  }
  return ctx.out;
}

function runRules(resource: SpecResource, ctx: RuleContext): void {
  for (const rule of RULES) {
    try {
      rule(resource, ctx);
    } catch (err) {
      // A rule bug must not hide the other findings nor crash the daemon.
      const { file, line, col } = resource.position;
      ctx.out.push({
        severity: 'error',
        file,
        line,
        col,
        kind: resource.kind,
        mesh: resource.mesh,
        name: resource.name,
        path: '',
        message: `internal validation error: ${(err as Error).message}`,
      });
    }
  }
}
