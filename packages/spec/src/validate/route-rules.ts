import type { SpecResource } from '../model/resource.ts';
import { ROUTE_TYPES, type RouteType } from '../schema/route.ts';
import { arr, distinctPorts, int, listenerPorts, obj, str } from './access.ts';
import type { ResourceRule, RuleContext } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

const ROUTE_PROTOCOL: Readonly<Record<RouteType, string>> = {
  httpRoute: 'http',
  http2Route: 'http2',
  grpcRoute: 'grpc',
  tcpRoute: 'tcp',
};

/** At least one weighted target of a route carries traffic. */
export const routeWeightRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'Route') return;
  for (const type of ROUTE_TYPES) {
    const targets = arr(obj(obj(obj(r.spec)?.[type])?.action)?.weightedTargets);
    const weights = targets.map((t) => int(obj(t)?.weight));
    if (targets.length === 0 || weights.some((w) => w === undefined)) continue;
    if (!weights.some((w) => (w as number) > 0)) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          [type, 'action', 'weightedTargets'],
          'at least one weighted target must have a weight above 0',
        ),
      );
    }
  }
};

/**
 * The route type matches the protocol of the parent listener it serves (selected by `match.port`, which is
 * required when the parent has several listeners). Shared by Route (virtual router) and GatewayRoute
 * (virtual gateway).
 */
export const routeProtocolRule: ResourceRule = (r, ctx) => {
  if (r.kind === 'Route' && r.virtualRouter) {
    const router = ctx.index.get('VirtualRouter', r.mesh, r.virtualRouter);
    if (router) checkProtocol(r, router, 'virtual router', ctx);
  } else if (r.kind === 'GatewayRoute' && r.virtualGateway) {
    const gateway = ctx.index.get('VirtualGateway', r.mesh, r.virtualGateway);
    if (gateway) checkProtocol(r, gateway, 'virtual gateway', ctx);
  }
};

function checkProtocol(r: SpecResource, parent: SpecResource, label: string, ctx: RuleContext): void {
  const listeners = listenerPorts(parent.spec);
  if (listeners.length === 0) return;
  const spec = obj(r.spec);
  const distinct = distinctPorts(listeners);
  const ports = distinct.join(', ');
  for (const type of ROUTE_TYPES) {
    const route = obj(spec?.[type]);
    if (!route) continue;
    const matchPort = int(obj(route.match)?.port);
    let listener: (typeof listeners)[number] | undefined = listeners[0];
    if (matchPort !== undefined) {
      listener = listeners.find((l) => l.port === matchPort);
      if (!listener) {
        ctx.out.push(
          specDiagnostic(
            r,
            'error',
            [type, 'match', 'port'],
            `port ${matchPort} is not a listener port of ${label} "${parent.name}" (${ports})`,
          ),
        );
        continue;
      }
    } else if (distinct.length > 1) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          [type, 'match', 'port'],
          `match.port is required: ${label} "${parent.name}" has several listeners (${ports})`,
        ),
      );
      continue;
    }
    const want = ROUTE_PROTOCOL[type];
    if (listener && listener.protocol !== undefined && listener.protocol !== want) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          [type],
          `${type} needs a ${want} listener, but ${label} "${parent.name}" listens with ${listener.protocol} on port ${listener.port}`,
        ),
      );
    }
  }
}

/** Prefix matches start with `/`; a gRPC method name needs its service name. */
export const routeMatchRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'Route' && r.kind !== 'GatewayRoute') return;
  const spec = obj(r.spec);
  for (const type of ['httpRoute', 'http2Route'] as const) {
    const prefix = str(obj(obj(spec?.[type])?.match)?.prefix);
    if (prefix !== undefined && !prefix.startsWith('/')) {
      ctx.out.push(specDiagnostic(r, 'error', [type, 'match', 'prefix'], 'prefix must start with "/"'));
    }
  }
  const grpcMatch = obj(obj(spec?.grpcRoute)?.match);
  if (str(grpcMatch?.methodName) !== undefined && str(grpcMatch?.serviceName) === undefined) {
    ctx.out.push(
      specDiagnostic(r, 'error', ['grpcRoute', 'match', 'methodName'], 'methodName requires serviceName'),
    );
  }
};
