import type { Ctx } from './context.ts';
import { names } from './names.ts';
import type { Json } from './types.ts';

/** A cluster that forwards to the address the application dialled (iptables-redirected original destination). */
function originalDstCluster(name: string): Json {
  return { name, type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED', connect_timeout: '1s' };
}

/** ALLOW_ALL: unmatched egress goes to `cds_egress_<mesh>_mesh-allow-all`; DROP_ALL: only *.amazonaws.com TLS. */
export function egressFilter(ctx: Ctx): { allowAllCluster?: string; amazonawsCluster?: string } {
  const mesh = ctx.proxy.mesh;
  if (ctx.graph.meshes.get(mesh)?.egressFilter === 'ALLOW_ALL') {
    const name = names.allowAllCluster(mesh);
    ctx.clusters.set(name, originalDstCluster(name));
    return { allowAllCluster: name };
  }
  const name = names.amazonawsCluster(mesh);
  ctx.clusters.set(name, originalDstCluster(name));
  return { amazonawsCluster: name };
}
