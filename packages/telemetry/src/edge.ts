import { type ProxyRef, parseProxyId } from '@plexus/graph';
import { parseEgressCluster, parseRouteName, TELEMETRY_CONTRACT } from '@plexus/translate';

/** One edge of the mesh, in App Mesh's words: source node or gateway → virtual service → route → target node. */
export interface EdgeLabels {
  mesh: string;
  sourceKind: ProxyRef['kind'];
  /** The calling virtual node or virtual gateway. */
  source: string;
  virtualService: string;
  /** Empty when the virtual service is provided by a node (no router). */
  virtualRouter: string;
  route: string;
  /** Empty for passthrough (ALLOW_ALL) traffic. */
  targetVirtualNode: string;
  protocol: 'http' | 'tcp';
}

export function edgeKey(e: EdgeLabels): string {
  return [
    e.mesh,
    e.sourceKind,
    e.source,
    e.virtualService,
    e.virtualRouter,
    e.route,
    e.targetVirtualNode,
    e.protocol,
  ].join('\u0000');
}

/** What one access log stream is about: who sends it and which logger (from the stream's first message). */
export interface StreamIdentity {
  nodeId: string;
  logName: string;
  proxy: ProxyRef | null;
}

export function streamIdentity(nodeId: string, nodeCluster: string, logName: string): StreamIdentity {
  return { nodeId, logName, proxy: parseProxyId(nodeId) ?? parseProxyId(nodeCluster) };
}

const T = TELEMETRY_CONTRACT.tags;

function withoutPort(authority: string): string {
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(authority.slice(colon + 1)) ? authority.slice(0, colon) : authority;
}

/** Envoy renders string metadata tags as JSON strings in some versions; accept both. */
function tagValue(tags: Record<string, string> | undefined, key: string): string | undefined {
  const v = tags?.[key];
  if (v === undefined || v === '') return undefined;
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? (JSON.parse(v) as string) : v;
}

/**
 * The edge an egress access log entry belongs to, or undefined when it is not mesh traffic this stream can
 * speak for (an unknown node, another logger, a cluster Plexus did not name).
 */
export function attributeEntry(
  id: StreamIdentity,
  e: { upstreamCluster: string; routeName: string; authority?: string; tags?: Record<string, string> },
  protocol: 'http' | 'tcp',
): EdgeLabels | undefined {
  if (!id.proxy || id.logName !== TELEMETRY_CONTRACT.egressLogName) return undefined;
  const mesh = id.proxy.mesh;
  const target = e.upstreamCluster ? parseEgressCluster(mesh, e.upstreamCluster) : undefined;
  const r = parseRouteName(e.routeName);
  const vs =
    tagValue(e.tags, T.virtualService) ?? r.virtualService ?? (e.authority ? withoutPort(e.authority) : '');
  if (!target && !vs) return undefined;
  const router = r.virtualRouter ?? '';
  const route = r.route ?? '';
  return {
    mesh,
    sourceKind: id.proxy.kind,
    source: id.proxy.name,
    virtualService: vs,
    virtualRouter: router,
    route,
    targetVirtualNode: target?.virtualNode ?? '',
    protocol,
  };
}
