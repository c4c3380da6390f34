import { PROTOCOLS as PROTOCOL_LIST } from '../schema/common.ts';
import { arr, int, listenerPorts, obj, str } from './access.ts';
import type { ResourceRule } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

const PROTOCOLS = new Set<string>(PROTOCOL_LIST);
const LISTENER_KINDS = new Set(['VirtualNode', 'VirtualRouter', 'VirtualGateway']);

/**
 * No two listeners on one port. The API docs still say "You can specify one listener", but App Mesh accepts
 * several on nodes, routers and gateways (the port fields of route matches and targets select among them; see
 * the howto-multiple-listeners walkthroughs), so the count itself is not limited.
 */
export const listenerPortsRule: ResourceRule = (r, ctx) => {
  if (!LISTENER_KINDS.has(r.kind)) return;
  const seen = new Map<number, number>();
  for (const { port, index } of listenerPorts(r.spec)) {
    const first = seen.get(port);
    if (first !== undefined) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['listeners', index, 'portMapping', 'port'],
          `port ${port} is already used by listeners[${first}]`,
        ),
      );
    } else seen.set(port, index);
  }
};

/** The connection pool and timeout of a listener are of the listener's protocol; health checks use its port. */
export const listenerProtocolRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualNode' && r.kind !== 'VirtualGateway') return;
  arr(obj(r.spec)?.listeners).forEach((l, i) => {
    const listener = obj(l);
    const portMapping = obj(listener?.portMapping);
    const protocol = str(portMapping?.protocol);
    const port = int(portMapping?.port);
    for (const field of ['connectionPool', 'timeout'] as const) {
      const value = obj(listener?.[field]);
      if (!value || !protocol) continue;
      for (const type of Object.keys(value)) {
        if (type === protocol || !PROTOCOLS.has(type) || value[type] === undefined || value[type] === null)
          continue;
        const what = field === 'connectionPool' ? 'connection pool' : 'timeout';
        ctx.out.push(
          specDiagnostic(
            r,
            'error',
            ['listeners', i, field, type],
            `${what} type "${type}" does not match the listener protocol "${protocol}"`,
          ),
        );
      }
    }
    const hcPort = int(obj(listener?.healthCheck)?.port);
    if (hcPort !== undefined && port !== undefined && hcPort !== port) {
      ctx.out.push(
        specDiagnostic(
          r,
          'error',
          ['listeners', i, 'healthCheck', 'port'],
          `health check port ${hcPort} must be the listener port ${port}`,
        ),
      );
    }
  });
};

/** "If you specify a listener, then you must specify service discovery information." */
export const serviceDiscoveryRequiredRule: ResourceRule = (r, ctx) => {
  if (r.kind !== 'VirtualNode') return;
  const spec = obj(r.spec);
  if (
    arr(spec?.listeners).length > 0 &&
    (spec?.serviceDiscovery === undefined || spec.serviceDiscovery === null)
  ) {
    ctx.out.push(
      specDiagnostic(r, 'error', ['serviceDiscovery'], 'serviceDiscovery is required when listeners are set'),
    );
  }
};
