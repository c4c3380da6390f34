import type { XdsServer, XdsStreamStatus } from './stages.ts';

export interface ConvergedEvent {
  revision: string;
  /** From the revision being seen to the last affected connected proxy ACKing it. */
  ms: number;
  proxies: string[];
}

/** Fallback when the server has no converged(): every version sent was ACKed (and it runs the revision). */
function synced(s: XdsStreamStatus, revision: string, full: boolean): boolean {
  if (!s.connected) return true;
  if (full && s.revision !== undefined && s.revision !== revision) return false;
  if (Object.keys(s.sent).length === 0) return full ? s.revision === revision : true;
  return Object.entries(s.sent).every(([type, v]) => s.acked[type] === v.version);
}

interface Pending {
  revision: string;
  seenAt: number;
  full: Set<string>;
  proxies: string[];
  remaining: Set<string>;
}

/**
 * Tracks the applied revision until every affected proxy that was connected when it applied has ACKed it.
 * Work per ACK is one proxy's check, not a scan of all streams (meshes with thousands of proxies).
 */
export class ConvergenceTracker {
  #pending: Pending | undefined;

  private readonly xds: XdsServer;
  private readonly done: (e: ConvergedEvent) => void;
  constructor(xds: XdsServer, done: (e: ConvergedEvent) => void) {
    this.xds = xds;
    this.done = done;
  }

  /** A revision applied: a newer one supersedes any still converging. */
  applied(revision: string, seenAt: number, full: string[], endpointOnly: string[]): void {
    const connected = this.#connectedStreams();
    const byKey = new Map<string, XdsStreamStatus[]>();
    for (const key of [...full, ...endpointOnly]) {
      const streams = connected(key);
      if (streams.length > 0) byKey.set(key, streams);
    }
    const proxies = [...byKey.keys()];
    const p: Pending = { revision, seenAt, full: new Set(full), proxies, remaining: new Set(proxies) };
    this.#pending = p;
    for (const key of proxies) if (this.#ok(key, byKey.get(key)!, p)) p.remaining.delete(key);
    this.#finishIfDone();
  }

  /** An ACK (or, with `disconnected`, a stream end) of `proxyKey`. */
  changed(proxyKey: string | undefined, disconnected = false): void {
    const p = this.#pending;
    if (!p || !proxyKey || !p.remaining.has(proxyKey)) return;
    const ok =
      !disconnected && this.xds.converged
        ? this.xds.converged(proxyKey)
        : this.#ok(proxyKey, this.#connectedStreams()(proxyKey), p);
    if (ok) p.remaining.delete(proxyKey);
    this.#finishIfDone();
  }

  /** Connected streams by proxy key: the server's own per-proxy lookup, or one scan of every stream. */
  #connectedStreams(): (key: string) => XdsStreamStatus[] {
    const { xds } = this;
    if (xds.statusOf) return (key) => xds.statusOf!(key).filter((s) => s.connected);
    const byKey = new Map<string, XdsStreamStatus[]>();
    for (const st of xds.status()) {
      if (!st.connected || !st.proxyKey) continue;
      const list = byKey.get(st.proxyKey);
      if (list) list.push(st);
      else byKey.set(st.proxyKey, [st]);
    }
    return (key) => byKey.get(key) ?? [];
  }

  #ok(key: string, connected: XdsStreamStatus[], p: Pending): boolean {
    if (connected.length === 0) return true;
    if (this.xds.converged) return this.xds.converged(key);
    return connected.every((s) => synced(s, p.revision, p.full.has(key)));
  }

  #finishIfDone(): void {
    const p = this.#pending;
    if (!p || p.remaining.size > 0) return;
    this.#pending = undefined;
    this.done({ revision: p.revision, ms: Date.now() - p.seenAt, proxies: p.proxies });
  }
}
