import { FULL_STATE_TYPES, TypeUrl } from './protos.ts';
import type { ResourceEntry } from './resource-cache.ts';
import type { Selection } from './sotw-subscriptions.ts';
import { AdsStream, entriesForClient } from './stream-base.ts';
import type { ProxySnapshot } from './types.ts';
import { versionOf, versionOfAll } from './versions.ts';
import { encodeSotwResponse, encodeSotwResponseAround } from './wire.ts';

export interface SotwRequest {
  version_info: string;
  resource_names: string[];
  type_url: string;
  response_nonce: string;
  error_detail?: { code?: number; message?: string } | null;
}

interface SotwTypeState {
  /** Explicit "*" or the legacy empty first request (obligation 19). */
  wildcard: boolean;
  legacyWildcard: boolean;
  /** Interned (SotwSubscriptions): streams naming the same resources share it, and its selections. */
  names: ReadonlySet<string>;
  sentVersion?: string;
  sentNonce?: string;
  /** What the last response held: for LDS/CDS, everything the client has. */
  sentEntries: ReadonlyMap<string, ResourceEntry>;
  inFlight: boolean;
  /** The response in flight carries a name the previous one did not. */
  inFlightAdds: boolean;
  /** Answer the next pass even if nothing changed (obligation 13). */
  force: boolean;
  /** The last desired() without stale entries, while the snapshot's map and the subscription are the same. */
  memo?: {
    all: ReadonlyMap<string, ResourceEntry>;
    names: ReadonlySet<string>;
    wildcard: boolean;
    result: Desired;
  };
}

type Desired = Selection;

/** State-of-the-world ADS: one response per type holds the whole (LDS/CDS) or named (RDS/EDS) set. */
export class SotwStream extends AdsStream<SotwRequest, SotwTypeState> {
  /** A cluster response went out; the endpoint request that follows gets an answer (obligation 13). */
  private edsOwed = false;
  /** The last cluster pass kept clusters the snapshot dropped until listeners and routes settle. */
  private staleClustersHeld = false;
  /** sentDropped() for this sent set and snapshot map. */
  private readonly dropped: {
    all?: ReadonlyMap<string, ResourceEntry>;
    sent?: ReadonlyMap<string, ResourceEntry>;
    value: boolean;
  } = { value: false };

  onRequest(req: SotwRequest): void {
    const typeUrl = req.type_url;
    const state = this.stateFor(typeUrl, 'DiscoveryRequest', () => ({
      wildcard: false,
      legacyWildcard: false,
      names: this.ctx.subscriptions.names([]),
      sentEntries: new Map(),
      inFlight: false,
      inFlightAdds: false,
      force: false,
    }));
    if (!state) return;
    const { st, first } = state;
    if (!first && req.response_nonce && req.response_nonce !== st.sentNonce) return; // stale (obligation 17)
    let unblocks = first;
    if (!first && req.response_nonce && st.sentVersion !== undefined) {
      unblocks = this.answerUnblocks(typeUrl, st);
      st.inFlight = false;
      if (req.error_detail) {
        this.recordNack(typeUrl, st.sentVersion, req.error_detail.message ?? '');
      } else {
        this.recordAck(typeUrl, st.sentVersion);
      }
    }
    const { names, wildcard, legacyWildcard } = st;
    this.applyNames(st, req.resource_names ?? [], first);
    if (typeUrl === TypeUrl.ClusterLoadAssignment && this.edsOwed) {
      st.force = true;
      this.edsOwed = false;
    }
    const resubscribed =
      st.names !== names || st.wildcard !== wildcard || st.legacyWildcard !== legacyWildcard;
    // A plain ACK changes nothing a pass reads unless it ends a wait; the snapshot's changes schedule their own.
    if (unblocks || resubscribed || st.force || !req.response_nonce) this.scheduleFlush();
  }

  /**
   * Whether answering this type's response in flight lets a pass send more: listeners and routes wait while a
   * cluster or endpoint response adding names is out (heldBack), and stale clusters wait for listeners and routes
   * to settle (listenersAndRoutesSettled).
   */
  private answerUnblocks(typeUrl: string, st: SotwTypeState): boolean {
    if (typeUrl === TypeUrl.Cluster || typeUrl === TypeUrl.ClusterLoadAssignment)
      return st.inFlight && st.inFlightAdds;
    if (typeUrl === TypeUrl.Listener || typeUrl === TypeUrl.RouteConfiguration) return this.staleClustersHeld;
    return false;
  }

  private applyNames(st: SotwTypeState, names: string[], first: boolean): void {
    const explicit = names.filter((n) => n !== '*');
    if (names.includes('*')) {
      st.wildcard = true;
      st.legacyWildcard = false;
    } else if (names.length === 0 && (first || st.legacyWildcard)) {
      st.wildcard = true;
      st.legacyWildcard = true;
    } else {
      st.wildcard = false;
      st.legacyWildcard = false;
    }
    if (explicit.length !== st.names.size || explicit.some((n) => !st.names.has(n)))
      st.names = this.ctx.subscriptions.names(explicit);
  }

  sentEntries(typeUrl: string): Iterable<ResourceEntry> {
    return this.types.get(typeUrl)?.sentEntries.values() ?? [];
  }

  protected addingInFlight(typeUrl: string): boolean {
    const st = this.types.get(typeUrl);
    return (st?.inFlight && st.inFlightAdds) === true;
  }

  settled(typeUrl: string): boolean {
    const st = this.types.get(typeUrl);
    if (!st) return true;
    const snap = this.ctx.snapshot(this.proxyKey, this.localityKey);
    if (!snap || st.inFlight) return false;
    return st.sentVersion === this.desired(snap, typeUrl, st, false).version;
  }

  /**
   * What the client should have of a type now, and its version. Called on every flush and every ACK of every
   * stream, so the common answers are not rebuilt: a plain wildcard gets the snapshot's own map, a selection
   * without stale entries is shared by every stream of the same subscription, and each stream keeps its answer
   * until the snapshot or the subscription changes.
   */
  private desired(snap: ProxySnapshot, typeUrl: string, st: SotwTypeState, keepStale: boolean): Desired {
    const all = entriesForClient(snap, typeUrl, this.node);
    if (!keepStale) {
      const m = st.memo;
      if (m && m.all === all && m.names === st.names && m.wildcard === st.wildcard) return m.result;
      const result =
        st.wildcard && st.names.size === 0
          ? { entries: all, version: versionOfAll(all) }
          : this.ctx.subscriptions.selection(all, st.names, st.wildcard, () => this.select(all, st, false));
      st.memo = { all, names: st.names, wildcard: st.wildcard, result };
      return result;
    }
    return this.select(all, st, true);
  }

  private select(all: ReadonlyMap<string, ResourceEntry>, st: SotwTypeState, keepStale: boolean): Desired {
    const out = new Map<string, ResourceEntry>();
    let stale = false;
    if (st.wildcard) for (const [n, e] of all) out.set(n, e);
    for (const n of st.names) {
      const e = all.get(n);
      if (e) out.set(n, e);
    }
    if (keepStale) {
      // clusters the client still has and may still route to stay until listeners/routes moved on
      for (const [n, e] of st.sentEntries) {
        if (!out.has(n) && !all.has(n) && (st.wildcard || st.names.has(n))) {
          out.set(n, e);
          stale = true;
        }
      }
    }
    const version = !stale && out.size === all.size ? versionOfAll(all) : versionOf(out.values());
    return { entries: out, version };
  }

  /**
   * The client holds a cluster the snapshot no longer has: only then can keeping stale clusters change the
   * answer, so a push that drops none shares the common answer instead of building its own map per stream.
   * Kept while the sent set and the snapshot's map are the same.
   */
  private sentDropped(snap: ProxySnapshot, st: SotwTypeState): boolean {
    const all = entriesForClient(snap, TypeUrl.Cluster, this.node);
    if (this.dropped.all === all && this.dropped.sent === st.sentEntries) return this.dropped.value;
    let value = false;
    for (const n of st.sentEntries.keys()) {
      if (!all.has(n)) {
        value = true;
        break;
      }
    }
    this.dropped.all = all;
    this.dropped.sent = st.sentEntries;
    this.dropped.value = value;
    return value;
  }

  protected flushNow(snap: ProxySnapshot): void {
    for (const typeUrl of this.orderedTypes()) {
      if (!this.canWrite()) return;
      if (this.heldBack(typeUrl)) continue;
      const st = this.types.get(typeUrl)!;
      const keepStale =
        typeUrl === TypeUrl.Cluster && this.sentDropped(snap, st) && !this.listenersAndRoutesSettled();
      const { entries, version } = this.desired(snap, typeUrl, st, keepStale);
      if (typeUrl === TypeUrl.Cluster)
        this.staleClustersHeld = keepStale && version !== this.desired(snap, typeUrl, st, false).version;
      if (version === st.sentVersion && !st.force) continue;
      if (!FULL_STATE_TYPES.has(typeUrl) && entries.size === 0 && st.sentVersion !== undefined && !st.force) {
        // partial types: nothing to add; an empty RDS/EDS response would tell the client nothing
        st.sentVersion = version;
        continue;
      }
      const nonce = this.nextNonce();
      const body = this.ctx.bodies.body(typeUrl, version, entries);
      this.write(
        body
          ? encodeSotwResponseAround(version, typeUrl, nonce, body)
          : encodeSotwResponse(
              version,
              typeUrl,
              nonce,
              [...entries.values()].map((e) => e.any),
            ),
      );
      st.inFlightAdds = addsNames(entries, st.sentEntries);
      st.sentVersion = version;
      st.sentNonce = nonce;
      st.sentEntries = entries;
      st.inFlight = true;
      st.force = false;
      this.recordSent(typeUrl, version);
      if (typeUrl === TypeUrl.Cluster) this.edsOwed = true;
      // endpoints sent after the clusters reach the re-created clusters: nothing more is owed
      if (typeUrl === TypeUrl.ClusterLoadAssignment) this.edsOwed = false;
    }
  }
}

/** `next` holds a name `prev` does not. */
function addsNames(
  next: ReadonlyMap<string, ResourceEntry>,
  prev: ReadonlyMap<string, ResourceEntry>,
): boolean {
  if (next === prev) return false;
  for (const n of next.keys()) if (!prev.has(n)) return true;
  return false;
}
