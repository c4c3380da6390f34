import type { ConsoleSource, ProxyRow } from '@plexus/console';
import type { MeshGraph } from '@plexus/graph';
import type { Telemetry } from '@plexus/telemetry';
import type { Channels } from './messages.ts';
import type { ProxyRevisions } from './proxy-revisions.ts';
import type { RevisionHistory } from './revision-history.ts';
import type { Discovery, XdsServer } from './stages.ts';
import type { StatusStore } from './status.ts';

export interface ConsoleSourceDeps {
  channels: Channels;
  xds: XdsServer;
  status: StatusStore;
  discovery: Discovery;
  revisions: ProxyRevisions;
  history: RevisionHistory;
  telemetry?: Telemetry;
}

/** The daemon's state as the console reads it (the console package itself wires nothing). */
export function createConsoleSource(d: ConsoleSourceDeps): ConsoleSource & { stop(): void } {
  let applied: { revision: string; graph: MeshGraph } | undefined;
  const lastAck = new Map<string, number>();
  const listeners = new Set<(what: 'graph' | 'revisions' | 'proxies') => void>();
  const emit = (what: 'graph' | 'revisions' | 'proxies') => {
    for (const l of listeners) l(what);
  };
  // Proxy events come in bursts (a push reaches every proxy): tell consoles at most every 500 ms.
  let proxiesTimer: NodeJS.Timeout | undefined;
  const proxiesChanged = () => {
    proxiesTimer ??= setTimeout(() => {
      proxiesTimer = undefined;
      emit('proxies');
    }, 500);
  };
  const unsubscribe = [
    d.channels.outcomes.subscribe((o) => {
      if (!o.ok) return;
      const g = d.channels.graphs.latest();
      if (g && g.revision === o.revision) {
        applied = { revision: g.revision, graph: g.graph as MeshGraph };
        emit('graph');
      }
    }),
    d.history.onChange(() => emit('revisions')),
  ];
  d.xds.on('ack', (e) => {
    lastAck.set(e.proxyKey, e.at);
    proxiesChanged();
  });
  d.xds.on('nack', proxiesChanged);
  d.xds.on('connect', proxiesChanged);
  d.xds.on('disconnect', proxiesChanged);

  return {
    graph: () => applied,
    applied: () => d.status.applied,
    proxies(): ProxyRow[] {
      return d.xds.status().map((s) => {
        const key = s.proxyKey ?? '';
        const node = typeof s.node === 'string' ? { id: s.node } : s.node;
        const at = lastAck.get(key);
        return {
          node: node.id,
          proxyKey: key,
          connected: s.connected,
          revision: d.revisions.display(key, s.revision) ?? null,
          acked: s.acked ?? {},
          nacked: Object.fromEntries(
            Object.entries(s.nacked ?? {}).map(([t, n]) => [t, { version: n.version, message: n.message }]),
          ),
          synced: s.connected && (d.xds.converged?.(key) ?? false),
          connectedAt: s.connectedAt ? new Date(s.connectedAt).toISOString() : null,
          lastAckAt: at ? new Date(at).toISOString() : null,
        };
      });
    },
    proxyConfig(key) {
      const snap = d.channels.configs.latest();
      return snap?.configs.get(key);
    },
    endpoints: (mesh, node) => d.discovery.current().get(`${mesh}/${node}`),
    revisions: (source) => d.history.list(source),
    edges: (windowSeconds) => d.telemetry?.edges(windowSeconds),
    rollouts: () => d.status.rollouts?.() ?? [],
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      for (const u of unsubscribe) u();
      if (proxiesTimer) clearTimeout(proxiesTimer);
      listeners.clear();
    },
  };
}
