/**
 * Where each proxy's connected replicas run. A proxy id names a virtual node, not a task: its replicas in
 * different zones share one config, except for policies that depend on the zone (a zone preference), which
 * are translated once per zone these report.
 */
import type { XdsNode } from '@plexus/xds';
import type { XdsServer } from './stages.ts';

export interface ProxyLocality {
  region?: string;
  zone?: string;
}

/** The locality key of a stream (see XdsServerOptions.localityKeyOf): the zone, when the node reports one. */
export function zoneKeyOf(node: Pick<XdsNode, 'locality'>): string | undefined {
  const l = node.locality;
  return l?.zone ? `zone=${l.region ?? ''}/${l.zone}` : undefined;
}

/** What the translate runner reads: the zones a proxy's streams report, and a call when that set changes. */
export interface LocalitySource {
  of(proxyKey: string): ReadonlyMap<string, ProxyLocality>;
  subscribe(onChange: (proxyKey: string) => void): () => void;
}

interface Group {
  locality: ProxyLocality;
  streams: number;
}

export class ConnectedLocalities implements LocalitySource {
  readonly #byProxy = new Map<string, Map<string, Group>>();
  readonly #byStream = new Map<number, { proxyKey: string; key: string }>();
  readonly #listeners = new Set<(proxyKey: string) => void>();
  static readonly #none: ReadonlyMap<string, ProxyLocality> = new Map();

  constructor(xds: Pick<XdsServer, 'on'>) {
    xds.on('connect', (e) => this.#connected(e.streamId, e.proxyKey, e.node));
    xds.on('disconnect', (e) => this.#disconnected(e.streamId));
  }

  of(proxyKey: string): ReadonlyMap<string, ProxyLocality> {
    const groups = this.#byProxy.get(proxyKey);
    if (!groups) return ConnectedLocalities.#none;
    return new Map([...groups].map(([k, g]) => [k, g.locality]));
  }

  subscribe(onChange: (proxyKey: string) => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  #connected(streamId: number, proxyKey: string, node: XdsNode): void {
    const key = zoneKeyOf(node);
    if (!key || !node.locality) return;
    this.#byStream.set(streamId, { proxyKey, key });
    let groups = this.#byProxy.get(proxyKey);
    if (!groups) {
      groups = new Map();
      this.#byProxy.set(proxyKey, groups);
    }
    const g = groups.get(key);
    if (g) {
      g.streams++;
      return;
    }
    const { region, zone } = node.locality;
    groups.set(key, { locality: { ...(region ? { region } : {}), zone }, streams: 1 });
    this.#changed(proxyKey);
  }

  #disconnected(streamId: number): void {
    const s = this.#byStream.get(streamId);
    if (!s) return;
    this.#byStream.delete(streamId);
    const groups = this.#byProxy.get(s.proxyKey);
    const g = groups?.get(s.key);
    if (!groups || !g) return;
    if (--g.streams > 0) return;
    groups.delete(s.key);
    if (groups.size === 0) this.#byProxy.delete(s.proxyKey);
    this.#changed(s.proxyKey);
  }

  #changed(proxyKey: string): void {
    for (const l of this.#listeners) l(proxyKey);
  }
}
