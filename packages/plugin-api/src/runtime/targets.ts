import type { SpecResource } from '@plexus/spec';
import { isRecord } from '../config-check.ts';
import type { DiscoveryPlugin, DiscoveryTarget } from '../plugin.ts';

/** A target together with the plugin that will watch it. */
export interface PlannedTarget {
  /** `mesh/virtualNode` (see `endpointKey`). */
  id: string;
  plugin: DiscoveryPlugin;
  target: DiscoveryTarget;
  /** Changes whenever anything the watch depends on changes. */
  fingerprint: string;
}

/** `spec.listeners[].portMapping.port` of a virtual node, in order. */
export function listenerPortsOf(spec: unknown): number[] {
  if (!isRecord(spec) || !Array.isArray(spec.listeners)) return [];
  const ports: number[] = [];
  for (const l of spec.listeners) {
    const port = isRecord(l) && isRecord(l.portMapping) ? l.portMapping.port : undefined;
    if (typeof port === 'number') ports.push(port);
  }
  return ports;
}

/**
 * Specs are immutable once loaded: a node kept across revisions is planned once per plugin list (a commit that
 * edits one file plans one node, not the fleet; the fingerprint serialises the whole discovery block).
 */
const plans = new WeakMap<
  SpecResource,
  { plugins: readonly DiscoveryPlugin[]; plan: PlannedTarget | undefined }
>();

/**
 * The discovery targets of the VirtualNodes in `resources`: for each node, the first key of
 * `spec.serviceDiscovery` that some plugin handles. Nodes without such a key get no target.
 */
export function planTargets(
  resources: readonly SpecResource[],
  plugins: readonly DiscoveryPlugin[],
): PlannedTarget[] {
  const byKey = new Map<string, DiscoveryPlugin>();
  for (const p of plugins) for (const k of p.keys) if (!byKey.has(k)) byKey.set(k, p);
  const out: PlannedTarget[] = [];
  for (const r of resources) {
    if (r.kind !== 'VirtualNode') continue;
    const known = plans.get(r);
    const plan = known && known.plugins === plugins ? known.plan : planNode(r, byKey);
    if (!known || known.plugins !== plugins) plans.set(r, { plugins, plan });
    if (plan) out.push(plan);
  }
  return out;
}

function planNode(r: SpecResource, byKey: Map<string, DiscoveryPlugin>): PlannedTarget | undefined {
  if (!isRecord(r.spec) || !isRecord(r.spec.serviceDiscovery)) return undefined;
  const sd = r.spec.serviceDiscovery;
  const key = Object.keys(sd).find((k) => byKey.has(k));
  if (key === undefined) return undefined;
  const plugin = byKey.get(key) as DiscoveryPlugin;
  const target: DiscoveryTarget = {
    mesh: r.mesh,
    virtualNode: r.name,
    key,
    config: sd[key],
    listenerPorts: listenerPortsOf(r.spec),
  };
  if (r.k8s) target.k8s = r.k8s;
  return {
    id: `${r.mesh}/${r.name}`,
    plugin,
    target,
    fingerprint: JSON.stringify([plugin.name, key, target.config, target.listenerPorts, target.k8s ?? null]),
  };
}
