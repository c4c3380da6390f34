import type { SpecResource } from '../model/resource.ts';
import { type ResourceRule, type RuleContext, referenceSeverity } from './context.ts';
import { metadataDiagnostic } from './diagnostic.ts';

const MAX_NAME = 255;

/** App Mesh resource names are 1 to 255 characters. */
export const nameRule: ResourceRule = (r, ctx) => {
  const length = typeof r.name === 'string' ? r.name.length : 0;
  if (length < 1 || length > MAX_NAME) {
    ctx.out.push(
      metadataDiagnostic(r, 'error', 'name', `name must be 1 to ${MAX_NAME} characters, got ${length}`),
    );
  }
};

/** A resource in a mesh the input does not define: a warning (the foot-gun of a typo'd mesh name). */
export const meshDefinedRule: ResourceRule = (r, ctx) => {
  if (r.kind === 'Mesh' || ctx.index.hasMesh(r.mesh)) return;
  ctx.out.push(metadataDiagnostic(r, 'warning', 'mesh', `mesh "${r.mesh}" is not defined in the input`));
};

/** A Route needs its virtual router, a GatewayRoute its virtual gateway, in the same mesh. */
export const parentRule: ResourceRule = (r, ctx) => {
  if (r.kind === 'Route') {
    checkParent(r, r.virtualRouter, 'virtualRouter', 'VirtualRouter', 'virtual router', ctx);
  } else if (r.kind === 'GatewayRoute') {
    checkParent(r, r.virtualGateway, 'virtualGateway', 'VirtualGateway', 'virtual gateway', ctx);
  }
};

function checkParent(
  r: SpecResource,
  parent: string | undefined,
  field: 'virtualRouter' | 'virtualGateway',
  kind: 'VirtualRouter' | 'VirtualGateway',
  label: string,
  ctx: RuleContext,
): void {
  if (!parent) {
    ctx.out.push(metadataDiagnostic(r, 'error', field, `a ${r.kind} must name its ${label}`));
    return;
  }
  if (!ctx.index.get(kind, r.mesh, parent)) {
    ctx.out.push(
      metadataDiagnostic(
        r,
        referenceSeverity(ctx),
        field,
        `${label} "${parent}" is not defined in mesh "${r.mesh}"`,
      ),
    );
  }
}

const KIND_LABELS: Record<string, string> = {
  Mesh: 'mesh',
  VirtualNode: 'virtual node',
  VirtualService: 'virtual service',
  VirtualRouter: 'virtual router',
  Route: 'route',
  VirtualGateway: 'virtual gateway',
  GatewayRoute: 'gateway route',
  AuthPolicy: 'auth policy',
  TrafficPolicy: 'traffic policy',
  ProxyPatch: 'proxy patch',
  Rollout: 'rollout',
};

/** Reports every resource whose name is already taken within its kind and mesh (routes: within the router). */
export function duplicateDiagnostics(ctx: RuleContext): void {
  for (const { resource: r, first } of ctx.index.duplicates) {
    const scope =
      r.kind === 'Mesh'
        ? ''
        : r.kind === 'Route'
          ? ` in virtual router "${r.virtualRouter}" of mesh "${r.mesh}"`
          : r.kind === 'GatewayRoute'
            ? ` in virtual gateway "${r.virtualGateway}" of mesh "${r.mesh}"`
            : ` in mesh "${r.mesh}"`;
    const at = `${first.position.file}:${first.position.line}:${first.position.col}`;
    ctx.out.push(
      metadataDiagnostic(
        r,
        'error',
        'name',
        `duplicate ${KIND_LABELS[r.kind]} "${r.name}"${scope}; first defined at ${at}`,
      ),
    );
  }
}
