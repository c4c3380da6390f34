import type { SpecResource } from '../model/resource.ts';
import { GATEWAY_ROUTE_TYPES } from '../schema/gateway-route.ts';
import { ROUTE_TYPES } from '../schema/route.ts';
import { arr, distinctPorts, int, listenerPorts, obj, str } from './access.ts';
import { type ResourceRule, type RuleContext, referenceSeverity } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

function missing(
  r: SpecResource,
  ctx: RuleContext,
  path: Array<string | number>,
  label: string,
  name: string,
) {
  ctx.out.push(
    specDiagnostic(r, referenceSeverity(ctx), path, `${label} "${name}" is not defined in mesh "${r.mesh}"`),
  );
}

/** A virtual service's provider node or router exists in the mesh. */
export const serviceProviderRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualService') return;
  const provider = obj(obj(r.spec)?.provider);
  const node = str(obj(provider?.virtualNode)?.virtualNodeName);
  if (node && !ctx.index.get('VirtualNode', r.mesh, node)) {
    missing(r, ctx, ['provider', 'virtualNode', 'virtualNodeName'], 'virtual node', node);
  }
  const router = str(obj(provider?.virtualRouter)?.virtualRouterName);
  if (router && !ctx.index.get('VirtualRouter', r.mesh, router)) {
    missing(r, ctx, ['provider', 'virtualRouter', 'virtualRouterName'], 'virtual router', router);
  }
};

/** A virtual node's backends are virtual services of the mesh. */
export const backendRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualNode') return;
  arr(obj(r.spec)?.backends).forEach((b, i) => {
    const name = str(obj(obj(b)?.virtualService)?.virtualServiceName);
    if (name && !ctx.index.get('VirtualService', r.mesh, name)) {
      missing(r, ctx, ['backends', i, 'virtualService', 'virtualServiceName'], 'virtual service', name);
    }
  });
};

function portList(ports: ReadonlyArray<{ port: number }>): string {
  return distinctPorts(ports).join(', ');
}

/**
 * A route's weighted targets are virtual nodes of the mesh; a target port must be one of the node's listener
 * ports, and is required when the node has several.
 */
export const routeTargetRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'Route') return;
  const spec = obj(r.spec);
  for (const type of ROUTE_TYPES) {
    const targets = arr(obj(obj(spec?.[type])?.action)?.weightedTargets);
    targets.forEach((t, i) => {
      const target = obj(t);
      const nodeName = str(target?.virtualNode);
      if (!nodeName) return;
      const path = [type, 'action', 'weightedTargets', i];
      const node = ctx.index.get('VirtualNode', r.mesh, nodeName);
      if (!node) {
        missing(r, ctx, [...path, 'virtualNode'], 'virtual node', nodeName);
        return;
      }
      const ports = listenerPorts(node.spec);
      const port = int(target?.port);
      if (port !== undefined) {
        if (ports.length > 0 && !ports.some((p) => p.port === port)) {
          ctx.out.push(
            specDiagnostic(
              r,
              'error',
              [...path, 'port'],
              `port ${port} is not a listener port of virtual node "${nodeName}" (${portList(ports)})`,
            ),
          );
        }
      } else if (distinctPorts(ports).length > 1) {
        ctx.out.push(
          specDiagnostic(
            r,
            'error',
            path,
            `port is required: virtual node "${nodeName}" has several listeners (${portList(ports)})`,
          ),
        );
      }
    });
  }
};

/** The listener ports of whatever provides a virtual service (node or router), when resolvable. */
function providerPorts(mesh: string, serviceName: string, ctx: RuleContext) {
  const service = ctx.index.get('VirtualService', mesh, serviceName);
  const provider = obj(obj(service?.spec)?.provider);
  const node = str(obj(provider?.virtualNode)?.virtualNodeName);
  const router = str(obj(provider?.virtualRouter)?.virtualRouterName);
  const target = node
    ? ctx.index.get('VirtualNode', mesh, node)
    : router
      ? ctx.index.get('VirtualRouter', mesh, router)
      : undefined;
  return target ? listenerPorts(target.spec) : [];
}

/** A gateway route's target is a virtual service of the mesh; a target port must be one its provider listens on. */
export const gatewayRouteTargetRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'GatewayRoute') return;
  const spec = obj(r.spec);
  for (const type of GATEWAY_ROUTE_TYPES) {
    const target = obj(obj(obj(spec?.[type])?.action)?.target);
    const name = str(obj(target?.virtualService)?.virtualServiceName);
    if (!name) continue;
    if (!ctx.index.get('VirtualService', r.mesh, name)) {
      missing(
        r,
        ctx,
        [type, 'action', 'target', 'virtualService', 'virtualServiceName'],
        'virtual service',
        name,
      );
      continue;
    }
    const port = int(target?.port);
    const ports = providerPorts(r.mesh, name, ctx);
    if (port !== undefined && ports.length > 0 && !ports.some((p) => p.port === port)) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          [type, 'action', 'target', 'port'],
          `port ${port} is not a listener port of the provider of virtual service "${name}" (${portList(ports)})`,
        ),
      );
    }
  }
};
