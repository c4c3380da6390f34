import { graphKey, type NodeListener, type ReachableService } from '@plexus/graph';
import type { Endpoint } from '@plexus/plugin-api';
import type { SpecResource } from '@plexus/spec';
import { type Ctx, clientTlsFor, nodeOf } from '../context.ts';
import { names } from '../names.ts';
import { upstreamTls } from '../tls/client-policy.ts';
import type { Json } from '../types.ts';
import { circuitBreakers } from './circuit-breakers.ts';
import { dnsCluster } from './dns.ts';
import { edsCluster } from './eds.ts';
import { loadAssignment, staticEndpoints } from './load-assignment.ts';
import { outlierDetection } from './outlier.ts';
import { applyUpstreamProtocol } from './upstream-protocol.ts';

/**
 * The cluster for one upstream node's listener (`cds_egress_<mesh>_<node>_<protocol>_<port>`), created once per
 * proxy: DNS when the node uses dns discovery, else EDS with a ClusterLoadAssignment.
 */
export function egressCluster(ctx: Ctx, node: string, listener: NodeListener, via: ReachableService): string {
  const { port, protocol } = listener.portMapping;
  const name = names.egressCluster(ctx.proxy.mesh, node, protocol, port);
  if (ctx.clusters.has(name)) return name;
  const spec = nodeOf(ctx, node)?.spec;
  const meshPref = ctx.graph.meshes.get(ctx.proxy.mesh)?.resource.spec?.serviceDiscovery?.ipPreference;
  let cluster: Json;
  if (spec?.serviceDiscovery?.dns) {
    cluster = dnsCluster(name, spec.serviceDiscovery.dns, port, meshPref);
  } else {
    cluster = edsCluster(name);
    ctx.loadAssignments.set(name, loadAssignment(name, endpointsOf(ctx, node, port)));
  }
  applyUpstreamProtocol(cluster, protocol);
  const od = outlierDetection(listener.outlierDetection);
  if (od) cluster.outlier_detection = od;
  const cb = ctx.egressCircuitBreakers ?? circuitBreakers(undefined, ctx.opts.unlimitedCircuitBreakers);
  if (cb) cluster.circuit_breakers = cb;
  const tls = clientTlsFor(via.clientPolicy, port);
  if (tls) {
    const { resource, path } = policyLocation(ctx, via);
    cluster.transport_socket = upstreamTls(ctx, tls, resource, path);
  }
  ctx.clusters.set(name, cluster);
  return name;
}

function endpointsOf(ctx: Ctx, node: string, port: number): Endpoint[] {
  const res = nodeOf(ctx, node);
  const set = ctx.endpoints(ctx.proxy.mesh, node);
  const single = (res?.spec?.listeners ?? []).length <= 1;
  if (set) return single ? set.endpoints : set.endpoints.map((e) => ({ ...e, port }));
  const st = res?.spec?.serviceDiscovery?.static;
  return st ? staticEndpoints(st.endpoints ?? [], port) : [];
}

/** Which resource and field a reachable service's client policy came from, for error positions. */
function policyLocation(
  ctx: Ctx,
  via: ReachableService,
): { resource: SpecResource; path: (string | number)[] } {
  const self =
    ctx.proxy.kind === 'virtualNode'
      ? (nodeOf(ctx, ctx.proxy.name) as SpecResource)
      : (ctx.graph.gateways.get(graphKey(ctx.proxy.mesh, ctx.proxy.name))?.resource as SpecResource);
  const spec = self.spec as {
    backends?: { virtualService?: { virtualServiceName: string; clientPolicy?: unknown } }[];
  };
  const i = (spec.backends ?? []).findIndex(
    (b) => b.virtualService?.virtualServiceName === via.name && b.virtualService.clientPolicy,
  );
  if (i >= 0) return { resource: self, path: ['backends', i, 'virtualService', 'clientPolicy', 'tls'] };
  return { resource: self, path: ['backendDefaults', 'clientPolicy', 'tls'] };
}
