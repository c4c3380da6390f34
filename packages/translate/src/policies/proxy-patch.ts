/**
 * ProxyPatch: JSON Patch or merge patch on named resources of this proxy, applied last. Every patched resource
 * must still be valid Envoy config: `checkResource` (Envoy's protos, given by the daemon and CLI) decides, and a
 * failure refuses the proxy's config with the patch's file:line, keeping the last good one.
 */
import type { PatchResourceType } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import { UnsupportedFeatureError } from '../errors.ts';
import { type Json, TYPE } from '../types.ts';
import { applyJsonPatch, mergePatch, PatchError } from './json-patch.ts';
import { ownPolicies } from './targets.ts';

interface Slot {
  get(): Json | undefined;
  set(v: Json): void;
  /** The resource as served, with `@type` (clusters and assignments get theirs at the end). */
  typed(v: Json): Json;
}

function slot(ctx: Ctx, type: PatchResourceType, name: string): Slot | undefined {
  const inList = (list: Json[], key: string): Slot | undefined => {
    const i = list.findIndex((r) => r[key] === name);
    if (i < 0) return undefined;
    return {
      get: () => list[i],
      set: (v) => {
        list[i] = v;
      },
      typed: (v) => v,
    };
  };
  const inMap = (map: Map<string, Json>, typeUrl: string): Slot | undefined =>
    map.has(name)
      ? {
          get: () => map.get(name),
          set: (v) => void map.set(name, v),
          typed: (v) => ({ '@type': typeUrl, ...v }),
        }
      : undefined;
  switch (type) {
    case 'listener':
      return inList(ctx.listeners, 'name');
    case 'route':
      return inList(ctx.routeConfigs, 'name');
    case 'cluster':
      return inMap(ctx.clusters, TYPE.cluster);
    case 'endpoint':
      return inMap(ctx.loadAssignments, TYPE.endpoint);
  }
}

export function applyProxyPatches(ctx: Ctx): void {
  const policy = ownPolicies(ctx)?.patch;
  const patches = policy?.spec?.patches ?? [];
  patches.forEach((p, i) => {
    const s = slot(ctx, p.type, p.name);
    if (!s) {
      throw new UnsupportedFeatureError(
        policy!,
        ['patches', i, 'name'],
        `this proxy has no ${p.type} named "${p.name}" (see plexus config-dump)`,
      );
    }
    let patched: Json;
    try {
      patched = p.jsonPatch ? applyJsonPatch(s.get()!, p.jsonPatch) : mergePatch(s.get()!, p.merge);
    } catch (e) {
      const path = e instanceof PatchError ? ['patches', i, 'jsonPatch', e.index] : ['patches', i];
      throw new UnsupportedFeatureError(policy!, path, (e as Error).message);
    }
    if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
      throw new UnsupportedFeatureError(policy!, ['patches', i], 'the patched resource is not an object');
    }
    const key = p.type === 'endpoint' ? 'cluster_name' : 'name';
    if (patched[key] !== p.name) {
      throw new UnsupportedFeatureError(
        policy!,
        ['patches', i],
        `a patch may not rename the resource (${key} became ${JSON.stringify(patched[key])})`,
      );
    }
    const problem = ctx.opts.checkResource?.(s.typed(patched));
    if (problem) {
      throw new UnsupportedFeatureError(
        policy!,
        ['patches', i],
        `the patched ${p.type} is not valid Envoy config: ${problem}`,
      );
    }
    s.set(patched);
  });
}
