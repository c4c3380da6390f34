import { TypeUrl } from './protos.ts';
import type { ResourceEntry } from './resource-cache.ts';
import { AdsStream, entriesForClient } from './stream-base.ts';
import type { ProxySnapshot } from './types.ts';
import { versionOf } from './versions.ts';
import { encodeDeltaResponse } from './wire.ts';

export interface DeltaRequest {
  type_url: string;
  resource_names_subscribe: string[];
  resource_names_unsubscribe: string[];
  initial_resource_versions: Record<string, string>;
  response_nonce: string;
  error_detail?: { code?: number; message?: string } | null;
}

/** "" marks a subscribed name we told the client does not exist. */
const ABSENT = '';
const MAX_OUTSTANDING = 16;

/**
 * What the client has of one name: the entry we last sent it, or a version it said it has
 * (initial_resource_versions), or ABSENT. One map serves as both, since a stream per proxy multiplies its size.
 */
type Held = ResourceEntry | string;
const versionHeld = (h: Held | undefined) => (h === undefined || typeof h === 'string' ? h : h.version);

interface DeltaTypeState {
  wildcard: boolean;
  names: Set<string>;
  clientHas: Map<string, Held>;
  /** Counts changes to `wildcard`, `names` and `clientHas`, which are changed in place; keys `inSync`. */
  changes: number;
  /** Whether diff() found nothing to send or remove, for this entries map and `changes` (see settled()). */
  inSync?: { all: ReadonlyMap<string, ResourceEntry>; changes: number; value: boolean };
  /** nonce → system version and names of responses not yet ACKed/NACKed, and whether they add names. */
  outstanding: Map<string, { version: string; names: string[]; adds: boolean }>;
  /** Names in the last NACKed response not since replaced by an ACKed one (none: undefined). */
  rejected?: Set<string>;
  needInitial: boolean;
}

/** Incremental ADS: only what changed, deletions in removed_resources. */
export class DeltaStream extends AdsStream<DeltaRequest, DeltaTypeState> {
  onRequest(req: DeltaRequest): void {
    const typeUrl = req.type_url;
    const subscribe = req.resource_names_subscribe ?? [];
    const state = this.stateFor(typeUrl, 'DeltaDiscoveryRequest', () => ({
      wildcard: subscribe.length === 0,
      names: new Set(),
      clientHas: new Map(Object.entries(req.initial_resource_versions ?? {})),
      changes: 0,
      outstanding: new Map(),
      needInitial: true,
    }));
    if (!state) return;
    const { st, first } = state;
    const unsubscribe = req.resource_names_unsubscribe ?? [];
    if (subscribe.length > 0 || unsubscribe.length > 0) st.changes++;
    // subscription changes apply whatever the nonce says (obligation 21)
    const known = subscribe.length > 0 ? this.known(typeUrl) : undefined;
    for (const n of subscribe) {
      if (n === '*') st.wildcard = true;
      else {
        // the snapshot's own string for the name, not a decoded copy per stream
        st.names.add(known?.get(n)?.name ?? n);
        if (!first) st.clientHas.delete(n); // a re-subscribe gets the resource again (obligation 23)
      }
    }
    for (const n of unsubscribe) {
      if (n === '*') st.wildcard = false;
      else {
        // names the client never had: nothing to do (obligation 25)
        st.names.delete(n);
        if (!st.wildcard) st.clientHas.delete(n);
      }
    }
    const nonce = req.response_nonce;
    const answered = nonce ? st.outstanding.get(nonce) : undefined;
    if (answered !== undefined) {
      st.outstanding.delete(nonce);
      if (req.error_detail) {
        st.rejected = new Set(answered.names);
        this.recordNack(typeUrl, answered.version, req.error_detail.message ?? '');
      } else {
        for (const n of answered.names) st.rejected?.delete(n);
        if (st.rejected?.size === 0) st.rejected = undefined;
        this.recordAck(typeUrl, answered.version, st.rejected === undefined);
      }
    }
    this.scheduleFlush();
  }

  private known(typeUrl: string): ReadonlyMap<string, ResourceEntry> | undefined {
    const snap = this.ctx.snapshot(this.proxyKey, this.localityKey);
    return snap && entriesForClient(snap, typeUrl, this.node);
  }

  /** The entries the client holds from us (for CSDS and the system version). */
  *sentEntries(typeUrl: string): Iterable<ResourceEntry> {
    for (const h of this.types.get(typeUrl)?.clientHas.values() ?? []) if (typeof h !== 'string') yield h;
  }

  protected addingInFlight(typeUrl: string): boolean {
    for (const o of this.types.get(typeUrl)?.outstanding.values() ?? []) if (o.adds) return true;
    return false;
  }

  /**
   * Called for every stream on every ACK, so the diff is not redone while neither the snapshot's map nor what
   * the client has and wants changed: the snapshot's maps are never changed in place, and `changes` counts
   * every change to the rest of what diff() reads.
   */
  settled(typeUrl: string): boolean {
    const st = this.types.get(typeUrl);
    if (!st) return true;
    const snap = this.ctx.snapshot(this.proxyKey, this.localityKey);
    if (!snap || st.outstanding.size > 0 || st.needInitial) return false;
    const all = entriesForClient(snap, typeUrl, this.node);
    const m = st.inSync;
    if (m && m.all === all && m.changes === st.changes) return m.value;
    const d = this.diff(snap, typeUrl, st, false);
    const value = d.send.length === 0 && d.removed.length === 0;
    st.inSync = { all, changes: st.changes, value };
    return value;
  }

  private diff(
    snap: ProxySnapshot,
    typeUrl: string,
    st: DeltaTypeState,
    keepStale: boolean,
  ): { send: ResourceEntry[]; removed: string[] } {
    const all = entriesForClient(snap, typeUrl, this.node);
    const send: ResourceEntry[] = [];
    const removed: string[] = [];
    const consider = (n: string, e: ResourceEntry | undefined) => {
      const has = versionHeld(st.clientHas.get(n));
      if (e) {
        if (has !== e.version) send.push(e);
      } else if (has === undefined ? st.names.has(n) : has !== ABSENT && !keepStale) {
        removed.push(n); // deleted, or subscribed and not there (obligation 22)
      }
    };
    if (st.wildcard) for (const [n, e] of all) consider(n, e);
    for (const n of st.names) if (!st.wildcard || !all.has(n)) consider(n, all.get(n));
    if (st.wildcard) {
      for (const n of st.clientHas.keys()) if (!all.has(n) && !st.names.has(n)) consider(n, undefined);
    }
    return { send, removed };
  }

  protected flushNow(snap: ProxySnapshot): void {
    for (const typeUrl of this.orderedTypes()) {
      if (!this.canWrite()) return;
      if (this.heldBack(typeUrl)) continue;
      const st = this.types.get(typeUrl)!;
      const keepStale = typeUrl === TypeUrl.Cluster && !this.listenersAndRoutesSettled();
      const { send, removed } = this.diff(snap, typeUrl, st, keepStale);
      if (send.length === 0 && removed.length === 0 && !st.needInitial) continue;
      const adds = send.some((e) => (versionHeld(st.clientHas.get(e.name)) ?? ABSENT) === ABSENT);
      for (const e of send) st.clientHas.set(e.name, e);
      for (const n of removed) {
        if (st.names.has(n)) st.clientHas.set(n, ABSENT);
        else st.clientHas.delete(n);
      }
      st.changes++;
      const systemVersion = versionOf(this.sentEntries(typeUrl));
      const nonce = this.nextNonce();
      this.write(
        encodeDeltaResponse(
          systemVersion,
          typeUrl,
          nonce,
          send.map((e) => e.deltaBytes()),
          removed,
        ),
      );
      st.outstanding.set(nonce, {
        version: systemVersion,
        names: [...send.map((e) => e.name), ...removed],
        adds,
      });
      if (st.outstanding.size > MAX_OUTSTANDING) st.outstanding.delete(st.outstanding.keys().next().value!);
      st.needInitial = false;
      this.recordSent(typeUrl, systemVersion);
    }
  }
}
