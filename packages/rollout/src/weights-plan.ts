import { ApiError, editInHead, type Plan } from '@plexus/api';
import { ROUTE_TYPES, type RouteSpec, type SpecResource } from '@plexus/spec';

export interface WeightChange {
  mesh: string;
  virtualRouter: string;
  route: string;
  stable: string;
  canary: string;
  /** The canary's weight, 0..100; stable gets 100 minus it. */
  canaryWeight: number;
  message: string;
}

/** Thrown by the plan when the head already carries the weights (another writer, or a replay): no commit. */
export class AlreadyThere extends Error {}

type WeightedTarget = { virtualNode: string; weight: number; port?: number };

/** The route's spec with stable and canary as its only weighted targets, at the given weights. */
export function withWeights(
  spec: RouteSpec,
  stable: string,
  canary: string,
  canaryWeight: number,
): RouteSpec {
  const key = ROUTE_TYPES.find((k) => spec[k]);
  if (!key) throw new ApiError('BadRequestException', 'the route has no route type to move weights on');
  const route = spec[key] as { action: { weightedTargets: WeightedTarget[] } };
  const before = route.action.weightedTargets;
  const port = before.find((t) => t.port !== undefined)?.port;
  const target = (virtualNode: string, weight: number): WeightedTarget =>
    port === undefined ? { virtualNode, weight } : { virtualNode, weight, port };
  const weightedTargets = [target(stable, 100 - canaryWeight), target(canary, canaryWeight)];
  return { ...spec, [key]: { ...route, action: { ...route.action, weightedTargets } } };
}

/** Does the route already send exactly these weights? */
export function hasWeights(spec: RouteSpec, stable: string, canary: string, canaryWeight: number): boolean {
  const key = ROUTE_TYPES.find((k) => spec[k]);
  const targets = key
    ? ((spec[key] as { action: { weightedTargets: WeightedTarget[] } }).action.weightedTargets ?? [])
    : [];
  const weightOf = (n: string) =>
    targets.filter((t) => t.virtualNode === n).reduce((a, t) => a + t.weight, 0);
  const others = targets.filter((t) => t.virtualNode !== stable && t.virtualNode !== canary);
  return others.length === 0 && weightOf(stable) === 100 - canaryWeight && weightOf(canary) === canaryWeight;
}

/** A write that sets the route's weights in its own file and format, computed on the branch head. */
export function weightsPlan(c: WeightChange): Plan {
  return (head) => {
    const r = head.resources.find(
      (x): x is SpecResource<RouteSpec> =>
        x.kind === 'Route' && x.mesh === c.mesh && x.virtualRouter === c.virtualRouter && x.name === c.route,
    );
    if (!r)
      throw new ApiError(
        'NotFoundException',
        `Route ${c.mesh}/${c.virtualRouter}/${c.route} is not in the branch head`,
      );
    if (hasWeights(r.spec, c.stable, c.canary, c.canaryWeight)) throw new AlreadyThere();
    const spec = withWeights(r.spec, c.stable, c.canary, c.canaryWeight);
    return { changes: [editInHead(head, r, { spec })], message: c.message };
  };
}
