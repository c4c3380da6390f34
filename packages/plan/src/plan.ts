import { affectedProxies, buildGraph, type MeshGraph, parseProxyId } from '@plexus/graph';
import {
  type Diagnostic,
  formatDiagnostic,
  type LoadAndValidateResult,
  type SpecResource,
} from '@plexus/spec';
import { type EnvoyConfig, translateProxy } from '@plexus/translate';
import { diffConfigs, type ResourceChange } from './config-diff.ts';

export interface ProxyPlan {
  /** `mesh/<m>/virtualNode/<n>` or `.../virtualGateway/<n>`. */
  proxy: string;
  status: 'added' | 'removed' | 'changed';
  /** Empty when the proxy's inputs changed but its Envoy config did not. */
  resources: ResourceChange[];
  /** Set when the config could not be computed (a feature translate refuses). */
  error?: string;
}

export interface Plan {
  /** Validation errors of the target revision, as `file:line:col: Kind mesh/name: field: message`. */
  errors: string[];
  proxies: ProxyPlan[];
  /** Proxies present on either side whose config is untouched. */
  unaffected: number;
}

function translate(graph: MeshGraph, id: string): { config?: EnvoyConfig; error?: string } {
  const ref = parseProxyId(id);
  if (!ref || !graph.proxies.has(id)) return {};
  try {
    return { config: translateProxy(graph, ref, () => undefined) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const isError = (d: Diagnostic) => d.severity === 'error';

/**
 * What a change does to the data plane, offline: the proxies whose inputs changed (graph's affectedProxies),
 * and for each the Envoy resources added, removed and changed. An invalid target yields its errors only:
 * the daemon would not apply it, so no proxy changes.
 */
export function planChange(before: SpecResource[], after: LoadAndValidateResult): Plan {
  const errors = after.diagnostics.filter(isError).map(formatDiagnostic);
  const from = buildGraph(before);
  if (errors.length > 0) return { errors, proxies: [], unaffected: from.proxies.size };
  const to = buildGraph(after.resources);
  const affected = [...affectedProxies(from, to)].sort();
  const proxies = affected.map((proxy): ProxyPlan => {
    const a = translate(from, proxy);
    const b = translate(to, proxy);
    const status = !from.proxies.has(proxy) ? 'added' : !to.proxies.has(proxy) ? 'removed' : 'changed';
    const error = a.error ?? b.error;
    return {
      proxy,
      status,
      resources: error ? [] : diffConfigs(a.config, b.config),
      ...(error ? { error } : {}),
    };
  });
  const all = new Set([...from.proxies.keys(), ...to.proxies.keys()]);
  return { errors, proxies, unaffected: all.size - affected.length };
}

/** 0 nothing changes, 2 some proxy's config changes, 1 the target is invalid (CLI exit status). */
export function planExitCode(plan: Plan): 0 | 1 | 2 {
  if (plan.errors.length > 0) return 1;
  return plan.proxies.length > 0 ? 2 : 0;
}
