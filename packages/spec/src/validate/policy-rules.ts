/**
 * Policies (AuthPolicy, TrafficPolicy, ProxyPatch): their target exists, each setting sits on a target kind it
 * means something for, the services they call exist, and no two policies of one kind share a target.
 */
import { isPolicyKind, type SpecResource } from '../model/resource.ts';
import { arr, obj, str } from './access.ts';
import { type ResourceRule, type RuleContext, referenceSeverity } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

type Path = Array<string | number>;

const ROUTE_TARGETS = ['Route', 'GatewayRoute'];
const PROXY_TARGETS = ['VirtualNode', 'VirtualGateway'];

/** Which target kinds each setting applies to. */
const PLACEMENT: Record<string, Record<string, readonly string[]>> = {
  TrafficPolicy: {
    mirror: ROUTE_TARGETS,
    sessionAffinity: ['Route'],
    slowStart: ['VirtualNode'],
    zoneAware: PROXY_TARGETS,
  },
  ProxyPatch: { patches: PROXY_TARGETS },
};

/** `Route/mesh/router/name`-style key of a policy's target, or undefined when the ref is malformed. */
export function policyTargetKey(r: SpecResource): string | undefined {
  const t = obj(obj(r.spec)?.targetRef);
  const kind = str(t?.kind);
  const name = str(t?.name);
  if (!kind || !name) return undefined;
  const parent =
    kind === 'Route' ? str(t?.virtualRouter) : kind === 'GatewayRoute' ? str(t?.virtualGateway) : '';
  return `${kind}/${r.mesh}/${parent ? `${parent}/` : ''}${name}`;
}

export const policyTargetRule: ResourceRule = (r, ctx) => {
  if (!isPolicyKind(r.kind)) return;
  const t = obj(obj(r.spec)?.targetRef);
  const kind = str(t?.kind);
  const name = str(t?.name);
  if (!t || !kind || !name) return; // the schema reports it
  const parentField =
    kind === 'Route' ? 'virtualRouter' : kind === 'GatewayRoute' ? 'virtualGateway' : undefined;
  for (const f of ['virtualRouter', 'virtualGateway']) {
    if (f !== parentField && t[f] !== undefined) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['targetRef', f],
          `targetRef.${f} is for a ${f === 'virtualRouter' ? 'Route' : 'GatewayRoute'} target, not a ${kind}`,
        ),
      );
    }
  }
  const parent = parentField ? str(t[parentField]) : undefined;
  if (parentField && !parent) {
    ctx.out.push(
      specDiagnostic(r, 'error', ['targetRef', parentField], `a ${kind} target must name its ${parentField}`),
    );
    return;
  }
  if (!ctx.index.get(kind as 'VirtualNode', r.mesh, name, parent)) {
    const where = parent ? ` of ${parentField} "${parent}"` : '';
    ctx.out.push(
      specDiagnostic(
        r,
        referenceSeverity(ctx),
        ['targetRef', 'name'],
        `${kind} "${name}"${where} is not defined in mesh "${r.mesh}"`,
      ),
    );
  }
  const placement = PLACEMENT[r.kind] ?? {};
  const spec = obj(r.spec) ?? {};
  for (const [field, kinds] of Object.entries(placement)) {
    if (spec[field] !== undefined && spec[field] !== null && !kinds.includes(kind)) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          [field],
          `${field} applies to a ${kinds.join(' or ')} target, not a ${kind}`,
        ),
      );
    }
  }
  if (r.kind === 'AuthPolicy') authPlacement(r, kind, ctx);
  if (r.kind === 'TrafficPolicy') trafficReferences(r, ctx);
};

function authPlacement(r: SpecResource, targetKind: string, ctx: RuleContext): void {
  const spec = obj(r.spec) ?? {};
  const jwt = obj(spec.jwt);
  if (jwt) {
    const providers = arr(jwt.providers);
    if (jwt.disabled === true && providers.length > 0) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['jwt', 'disabled'],
          'jwt.disabled and jwt.providers are mutually exclusive',
        ),
      );
    } else if (jwt.disabled !== true && providers.length === 0) {
      ctx.out.push(
        specDiagnostic(r, 'error', ['jwt'], 'jwt needs providers (or disabled: true on a gateway route)'),
      );
    }
    if (jwt.disabled === true && targetKind !== 'GatewayRoute') {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['jwt', 'disabled'],
          `jwt.disabled turns off a virtual gateway's JWT check on one gateway route; a ${targetKind} target has none to turn off`,
        ),
      );
    }
    const seen = new Map<string, number>();
    providers.forEach((p, i) => {
      const n = str(obj(p)?.name);
      if (n === undefined) return;
      const first = seen.get(n);
      if (first !== undefined) {
        ctx.out.push(
          specDiagnostic(
            r,
            'error',
            ['jwt', 'providers', i, 'name'],
            `provider name "${n}" is already used by jwt.providers[${first}]`,
          ),
        );
      } else seen.set(n, i);
    });
  }
  const ext = obj(spec.extAuthz);
  if (ext) {
    if (ext.disabled === true && targetKind !== 'GatewayRoute') {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['extAuthz', 'disabled'],
          `extAuthz.disabled turns off a virtual gateway's check on one gateway route; a ${targetKind} target has none to turn off`,
        ),
      );
    }
    if (ext.disabled !== true && !ext.grpc && !ext.http) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['extAuthz'],
          'extAuthz needs grpc or http (or disabled: true on a gateway route)',
        ),
      );
    }
    for (const mode of ['grpc', 'http']) {
      const svc = obj(obj(ext[mode])?.service);
      if (svc) serviceReference(r, ['extAuthz', mode, 'service'], svc, ctx);
    }
  }
}

function trafficReferences(r: SpecResource, ctx: RuleContext): void {
  const spec = obj(r.spec) ?? {};
  const svc = obj(obj(spec.globalRateLimit)?.service);
  if (svc) serviceReference(r, ['globalRateLimit', 'service'], svc, ctx);
  const mirror = str(obj(spec.mirror)?.virtualNode);
  if (mirror && !ctx.index.get('VirtualNode', r.mesh, mirror)) {
    ctx.out.push(
      specDiagnostic(
        r,
        referenceSeverity(ctx),
        ['mirror', 'virtualNode'],
        `virtual node "${mirror}" is not defined in mesh "${r.mesh}"`,
      ),
    );
  }
  const buckets = arr(obj(spec.localRateLimit)?.buckets);
  buckets.forEach((b, i) => {
    const bucket = obj(b);
    if (bucket?.header !== undefined && bucket.value === undefined) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['localRateLimit', 'buckets', i, 'value'],
          'a header bucket needs the header value it counts',
        ),
      );
    }
    if (bucket?.sourceAddress !== undefined && bucket.value !== undefined) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['localRateLimit', 'buckets', i, 'value'],
          'a sourceAddress bucket is keyed by the address itself: drop value',
        ),
      );
    }
  });
}

/** A virtual service a policy calls: defined, and provided by a virtual node (whose endpoints Plexus knows). */
function serviceReference(r: SpecResource, path: Path, svc: Record<string, unknown>, ctx: RuleContext): void {
  const name = str(svc.virtualService);
  if (!name) return;
  const vs = ctx.index.get('VirtualService', r.mesh, name);
  if (!vs) {
    ctx.out.push(
      specDiagnostic(
        r,
        referenceSeverity(ctx),
        [...path, 'virtualService'],
        `virtual service "${name}" is not defined in mesh "${r.mesh}"`,
      ),
    );
    return;
  }
  const provider = obj(obj(vs.spec)?.provider);
  if (!obj(provider?.virtualNode)) {
    ctx.out.push(
      specDiagnostic(
        r,
        'error',
        [...path, 'virtualService'],
        `virtual service "${name}" must be provided by a virtual node to serve a policy (it is ${provider?.virtualRouter ? 'a virtual router' : 'unprovided'})`,
      ),
    );
  }
}

/**
 * Two policies of one kind on one target are refused (merge them into one): Plexus does not guess which wins.
 * Across levels the more specific target wins for what it sets (gateway route over virtual gateway).
 */
export function policyConflictDiagnostics(resources: readonly SpecResource[], ctx: RuleContext): void {
  const first = new Map<string, SpecResource>();
  for (const r of resources) {
    if (!isPolicyKind(r.kind)) continue;
    const target = policyTargetKey(r);
    if (!target) continue;
    const k = `${r.kind}\u0000${target}`;
    const holder = first.get(k);
    if (!holder) {
      first.set(k, r);
      continue;
    }
    const at = `${holder.position.file}:${holder.position.line}:${holder.position.col}`;
    ctx.out.push(
      specDiagnostic(
        r,
        'error',
        ['targetRef'],
        `${target} already has ${r.kind} "${holder.name}" (${at}); one ${r.kind} per target: merge them`,
      ),
    );
  }
  gatewayRouteWithoutListenerPolicy(resources, ctx);
}

/** `disabled` on a gateway route whose gateway has no such check: a warning (it turns off nothing). */
function gatewayRouteWithoutListenerPolicy(resources: readonly SpecResource[], ctx: RuleContext): void {
  const gatewayAuth = new Map<string, Record<string, unknown>>();
  for (const r of resources) {
    if (r.kind !== 'AuthPolicy') continue;
    const t = obj(obj(r.spec)?.targetRef);
    if (str(t?.kind) === 'VirtualGateway') gatewayAuth.set(`${r.mesh}/${str(t?.name)}`, obj(r.spec) ?? {});
  }
  for (const r of resources) {
    if (r.kind !== 'AuthPolicy') continue;
    const spec = obj(r.spec) ?? {};
    const t = obj(spec.targetRef);
    if (str(t?.kind) !== 'GatewayRoute') continue;
    const gw = gatewayAuth.get(`${r.mesh}/${str(t?.virtualGateway)}`);
    for (const f of ['jwt', 'extAuthz']) {
      if (obj(spec[f])?.disabled === true && !obj(gw?.[f])) {
        ctx.out.push(
          specDiagnostic(
            r,
            'warning',
            [f, 'disabled'],
            `virtual gateway "${str(t?.virtualGateway)}" has no AuthPolicy with ${f}: disabling it on this gateway route changes nothing`,
          ),
        );
      }
    }
  }
}
