/**
 * Rollout: it targets a Route, its stable and canary virtual nodes exist and differ, the steps climb, and the
 * route's weighted targets are the two the rollout moves weight between (the controller owns those weights).
 */
import type { SpecResource } from '../model/resource.ts';
import { ROUTE_TYPES } from '../schema/route.ts';
import { arr, int, obj, str } from './access.ts';
import { type ResourceRule, type RuleContext, referenceSeverity } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

export const rolloutRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'Rollout') return;
  const spec = obj(r.spec) ?? {};
  const t = obj(spec.targetRef);
  const kind = str(t?.kind);
  if (kind && kind !== 'Route') {
    ctx.out.push(
      specDiagnostic(r, 'error', ['targetRef', 'kind'], `a Rollout moves a Route's weights, not a ${kind}'s`),
    );
    return;
  }
  const stable = str(obj(spec.stable)?.virtualNode);
  const canary = str(obj(spec.canary)?.virtualNode);
  for (const [field, node] of [
    ['stable', stable],
    ['canary', canary],
  ] as const) {
    if (node && !ctx.index.get('VirtualNode', r.mesh, node)) {
      ctx.out.push(
        specDiagnostic(
          r,
          referenceSeverity(ctx),
          [field, 'virtualNode'],
          `virtual node "${node}" is not defined in mesh "${r.mesh}"`,
        ),
      );
    }
  }
  if (stable && stable === canary) {
    ctx.out.push(
      specDiagnostic(
        r,
        'error',
        ['canary', 'virtualNode'],
        `the canary must differ from stable ("${stable}")`,
      ),
    );
  }
  let previous = 0;
  arr(spec.steps).forEach((s, i) => {
    const w = int(obj(s)?.weight);
    if (w === undefined) return;
    if (w <= previous) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['steps', i, 'weight'],
          `steps must climb: ${w} is not above the previous step's ${previous}`,
        ),
      );
    }
    previous = Math.max(previous, w);
  });
  const router = str(t?.virtualRouter);
  const name = str(t?.name);
  const route = router && name ? ctx.index.get('Route', r.mesh, name, router) : undefined;
  if (route && stable && canary) routeTargets(r, route, stable, canary, ctx);
};

/** The route's weighted targets must be stable (and the canary, if already added); another target with weight is refused. */
function routeTargets(
  r: SpecResource,
  route: SpecResource,
  stable: string,
  canary: string,
  ctx: RuleContext,
) {
  const spec = obj(route.spec) ?? {};
  const key = ROUTE_TYPES.find((k) => obj(spec[k]));
  if (!key) return;
  const weighted = arr(obj(obj(spec[key])?.action)?.weightedTargets).map((w) => ({
    node: str(obj(w)?.virtualNode),
    weight: int(obj(w)?.weight) ?? 0,
  }));
  const targets = weighted.map((w) => w.node);
  // a third target at weight 0 carries nothing; the controller's first commit drops it
  const others = weighted
    .filter((w) => w.weight > 0 && w.node !== stable && w.node !== canary)
    .map((w) => w.node);
  const at = `${route.position.file}:${route.position.line}`;
  if (others.length > 0) {
    ctx.out.push(
      specDiagnostic(
        r,
        'error',
        ['targetRef'],
        `route "${route.name}" (${at}) also sends traffic to ${others.map((o) => `"${o}"`).join(', ')}: a rollout moves weight between stable and canary only`,
      ),
    );
  }
  if (!targets.includes(stable) && !targets.includes(canary)) {
    ctx.out.push(
      specDiagnostic(
        r,
        'error',
        ['stable', 'virtualNode'],
        `route "${route.name}" (${at}) has no weighted target "${stable}" (nor the canary)`,
      ),
    );
  }
}
