/**
 * The versions one replica serves a node, read over a raw SotW stream of our own straight to that replica:
 * wildcard LDS and CDS, then RDS and EDS by the names they name. Versions are content hashes, so equal
 * config on two replicas (or before and after a restart) must give equal versions.
 */
import { AdsClient, type SotwResponse, XdsTypes } from '@plexus/testkit';
import { edsClusterName, routeNamesOf } from './subscriptions.ts';

export type Versions = Record<string, string>;

const SHORT: Record<string, string> = {
  [XdsTypes.listener]: 'L',
  [XdsTypes.route]: 'R',
  [XdsTypes.cluster]: 'C',
  [XdsTypes.endpoint]: 'E',
};

export async function servedVersions(address: string, node: string, timeoutMs = 10_000): Promise<Versions> {
  const ads = new AdsClient(address, { 'grpc.use_local_subchannel_pool': 1 }, { decode: false });
  const s = ads.sotw({ id: node, cluster: node.split('/').at(-1) });
  try {
    const versions: Versions = {};
    s.request({ typeUrl: XdsTypes.listener, names: [] });
    s.request({ typeUrl: XdsTypes.cluster, names: [] });
    const want = new Set(['L', 'C']);
    const named: Record<string, string[]> = { R: [], E: [] };
    const deadline = Date.now() + timeoutMs;
    while ([...want].some((t) => versions[t] === undefined)) {
      const r: SotwResponse = await s.next(Math.max(1, deadline - Date.now()));
      const t = SHORT[r.typeUrl] ?? '?';
      versions[t] = r.versionInfo;
      if (t === 'L') {
        s.ack(r, []);
        const names = [...new Set(r.resources.flatMap((x) => routeNamesOf(x.bytes)))];
        if (names.length > 0 && !want.has('R')) {
          want.add('R');
          named.R = names;
          s.request({ typeUrl: XdsTypes.route, names });
        }
      } else if (t === 'C') {
        s.ack(r, []);
        const names = r.resources.map((x) => edsClusterName(x.bytes)).filter((x) => x !== undefined);
        if (names.length > 0 && !want.has('E')) {
          want.add('E');
          named.E = names;
          s.request({ typeUrl: XdsTypes.endpoint, names });
        }
      } else {
        // ACK like Envoy: the server holds listeners and routes back until new endpoints are ACKed
        s.ack(r, named[t] ?? []);
      }
    }
    return versions;
  } finally {
    s.close();
    ads.close();
  }
}

/** Versions per node from one replica. */
export async function servedFleetVersions(
  address: string,
  nodes: string[],
): Promise<Record<string, Versions>> {
  const out: Record<string, Versions> = {};
  for (const n of nodes) out[n] = await servedVersions(address, n);
  return out;
}
