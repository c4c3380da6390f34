import type { SpecResource } from '@plexus/spec';
import { type BackoffOptions, backoffDelay } from '../backoff.ts';
import { silentLogger, systemClock } from '../clock.ts';
import type { Endpoint, EndpointSet } from '../endpoints.ts';
import { endpointsFingerprint, normalizeEndpoints } from '../normalize.ts';
import type {
  Clock,
  DiscoveryPlugin,
  DiscoverySettings,
  Disposable,
  PluginContext,
  PluginLogger,
} from '../plugin.ts';
import { type PlannedTarget, planTargets } from './targets.ts';

export interface DiscoveryManagerOptions {
  plugins: DiscoveryPlugin[];
  settings?: DiscoverySettings;
  logger?: PluginLogger;
  clock?: Clock;
  /**
   * Changes within this window are coalesced into one `onChange` call (ms). Default 0: changes reported in the
   * same turn of the event loop go out together, and the daemon's latest-wins stages absorb longer bursts.
   */
  debounceMs?: number;
  /** Backoff before restarting a failed watch. Default base 1 000 ms, max 60 000 ms. */
  retry?: BackoffOptions;
}

/** Per-target state, as `status()` reports it. */
export interface TargetStatus {
  mesh: string;
  virtualNode: string;
  source: string;
  key: string;
  endpoints: number;
  stale: boolean;
  /** Consecutive failures since the last good update. */
  failures: number;
  lastError?: string;
}

export type EndpointSetListener = (sets: EndpointSet[]) => void;

interface WatchState {
  planned: PlannedTarget;
  handle?: Disposable;
  abort?: AbortController;
  /** Bumped on every (re)start and stop; sinks of older generations are ignored. */
  generation: number;
  last?: Endpoint[];
  stale: boolean;
  failures: number;
  lastError?: string;
  cancelRetry?: () => void;
  /** Fingerprint of what was last emitted for this target. */
  emitted?: string;
  emittedSource?: string;
}

/**
 * Runs discovery watches for a set of virtual nodes and reports endpoint sets.
 *
 * - `setResources(resources)` (call on every applied revision) starts watches for new nodes, restarts watches
 *   whose target changed (config, listener ports, k8s data; the cached endpoints stay until the new watch
 *   reports) and stops watches of nodes that went away (emitting `{ removed: true, endpoints: [] }`).
 * - Updates are normalized (sorted, address:port deduplicated); identical updates are dropped; changes inside
 *   `debounceMs` are coalesced; `onChange` receives only the sets that changed.
 * - When a plugin calls `sink.error` (or `watch` throws), its last endpoints stay in use, re-emitted with
 *   `stale: true`; the watch is disposed and restarted after jittered exponential backoff; the first good
 *   update clears `stale` and resets the backoff.
 */
export class DiscoveryManager {
  readonly #plugins: DiscoveryPlugin[];
  readonly #settings: DiscoverySettings;
  readonly #logger: PluginLogger;
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #retry: BackoffOptions;
  readonly #watches = new Map<string, WatchState>();
  /** Targets gone since the last flush: id → last emitted source (emit a removal). */
  readonly #removed = new Map<string, { mesh: string; virtualNode: string; source: string }>();
  readonly #dirty = new Set<string>();
  readonly #listeners = new Set<EndpointSetListener>();
  #cancelFlush?: () => void;
  #closed = false;

  constructor(opts: DiscoveryManagerOptions) {
    this.#plugins = [...opts.plugins];
    this.#settings = opts.settings ?? {};
    this.#logger = opts.logger ?? silentLogger;
    this.#clock = opts.clock ?? systemClock;
    this.#debounceMs = opts.debounceMs ?? 0;
    this.#retry = { baseMs: 1000, maxMs: 60_000, ...opts.retry };
  }

  /** The plugins this manager was built with. */
  get plugins(): readonly DiscoveryPlugin[] {
    return this.#plugins;
  }

  /** Subscribes to changed endpoint sets; returns a handle that unsubscribes. */
  onChange(listener: EndpointSetListener): Disposable {
    this.#listeners.add(listener);
    return { dispose: () => this.#listeners.delete(listener) };
  }

  /** Reconciles running watches with the VirtualNodes in `resources` (other kinds are ignored). */
  setResources(resources: readonly SpecResource[]): void {
    if (this.#closed) throw new Error('DiscoveryManager is closed');
    const planned = new Map(planTargets(resources, this.#plugins).map((p) => [p.id, p]));
    for (const [id, w] of this.#watches) {
      if (planned.has(id)) continue;
      this.#stop(w);
      this.#watches.delete(id);
      if (w.emittedSource !== undefined) {
        const { mesh, virtualNode } = w.planned.target;
        this.#removed.set(id, { mesh, virtualNode, source: w.emittedSource });
        this.#markDirty(id);
      }
    }
    for (const [id, p] of planned) {
      const w = this.#watches.get(id);
      if (w && w.planned.fingerprint === p.fingerprint) continue;
      this.#removed.delete(id);
      if (w) {
        this.#stop(w);
        w.planned = p;
        w.failures = 0;
        this.#start(w);
      } else {
        const fresh: WatchState = { planned: p, generation: 0, stale: false, failures: 0 };
        this.#watches.set(id, fresh);
        this.#start(fresh);
      }
    }
  }

  /** Current endpoint set of every target that has reported at least once. */
  current(): EndpointSet[] {
    const out: EndpointSet[] = [];
    for (const w of this.#watches.values()) {
      const set = this.#setOf(w);
      if (set) out.push(set);
    }
    return out;
  }

  /** Current endpoint set of one node, if it has reported. */
  get(mesh: string, virtualNode: string): EndpointSet | undefined {
    const w = this.#watches.get(`${mesh}/${virtualNode}`);
    return w ? this.#setOf(w) : undefined;
  }

  /** One line per target: for status pages and metrics. */
  status(): TargetStatus[] {
    return [...this.#watches.values()].map((w) => {
      const t = w.planned.target;
      const s: TargetStatus = {
        mesh: t.mesh,
        virtualNode: t.virtualNode,
        source: w.planned.plugin.name,
        key: t.key,
        endpoints: w.last?.length ?? 0,
        stale: w.stale,
        failures: w.failures,
      };
      if (w.lastError !== undefined) s.lastError = w.lastError;
      return s;
    });
  }

  /** Emits pending changes now instead of at the end of the debounce window. */
  flush(): void {
    this.#cancelFlush?.();
    this.#cancelFlush = undefined;
    const changed: EndpointSet[] = [];
    for (const id of this.#dirty) {
      const gone = this.#removed.get(id);
      if (gone) {
        changed.push({ ...gone, endpoints: [], removed: true });
        this.#removed.delete(id);
        continue;
      }
      const w = this.#watches.get(id);
      const set = w && this.#setOf(w);
      if (!w || !set) continue;
      const fp = `${set.source}|${set.stale === true}|${endpointsFingerprint(set.endpoints)}`;
      if (fp === w.emitted) continue;
      w.emitted = fp;
      w.emittedSource = set.source;
      changed.push(set);
    }
    this.#dirty.clear();
    if (changed.length === 0) return;
    for (const l of this.#listeners) {
      try {
        l(changed);
      } catch (err) {
        this.#logger.error('endpoint set listener failed', { err: String(err) });
      }
    }
  }

  /** Stops every watch and timer; no further `onChange` calls. */
  close(): void {
    this.#closed = true;
    for (const w of this.#watches.values()) this.#stop(w);
    this.#watches.clear();
    this.#cancelFlush?.();
    this.#listeners.clear();
  }

  #setOf(w: WatchState): EndpointSet | undefined {
    if (!w.last) return undefined;
    const t = w.planned.target;
    const set: EndpointSet = {
      mesh: t.mesh,
      virtualNode: t.virtualNode,
      endpoints: w.last,
      source: w.planned.plugin.name,
    };
    if (w.stale) set.stale = true;
    return set;
  }

  #start(w: WatchState): void {
    const gen = ++w.generation;
    const { plugin, target } = w.planned;
    const abort = new AbortController();
    w.abort = abort;
    const fields = { plugin: plugin.name, node: w.planned.id };
    const logger: PluginLogger = {
      debug: (m, f) => this.#logger.debug(m, { ...fields, ...f }),
      info: (m, f) => this.#logger.info(m, { ...fields, ...f }),
      warn: (m, f) => this.#logger.warn(m, { ...fields, ...f }),
      error: (m, f) => this.#logger.error(m, { ...fields, ...f }),
    };
    const ctx: PluginContext = { logger, clock: this.#clock, settings: this.#settings, signal: abort.signal };
    const sink = {
      update: (endpoints: Endpoint[]) => {
        if (gen !== w.generation || this.#closed) return;
        w.last = normalizeEndpoints(endpoints);
        w.stale = false;
        w.failures = 0;
        w.lastError = undefined;
        this.#markDirty(w.planned.id);
      },
      error: (err: Error) => {
        if (gen !== w.generation || this.#closed) return;
        this.#fail(w, err);
      },
    };
    try {
      const handle = plugin.watch(target, sink, ctx);
      // A watch that failed synchronously was already stopped: release what it returned.
      if (gen === w.generation) w.handle = handle;
      else handle.dispose();
    } catch (err) {
      if (gen === w.generation) this.#fail(w, err instanceof Error ? err : new Error(String(err)));
    }
  }

  #fail(w: WatchState, err: Error): void {
    const delay = backoffDelay(w.failures, this.#retry);
    w.failures++;
    w.lastError = err.message;
    this.#logger.warn('discovery failed; keeping last endpoints', {
      plugin: w.planned.plugin.name,
      node: w.planned.id,
      err: err.message,
      retryInMs: delay,
      failures: w.failures,
    });
    this.#stop(w);
    if (w.last && !w.stale) {
      w.stale = true;
      this.#markDirty(w.planned.id);
    }
    w.cancelRetry = this.#clock.setTimer(() => {
      w.cancelRetry = undefined;
      if (!this.#closed && this.#watches.get(w.planned.id) === w) this.#start(w);
    }, delay);
  }

  #stop(w: WatchState): void {
    w.generation++;
    w.cancelRetry?.();
    w.cancelRetry = undefined;
    w.abort?.abort(new Error('watch stopped'));
    w.abort = undefined;
    const h = w.handle;
    w.handle = undefined;
    try {
      h?.dispose();
    } catch (err) {
      this.#logger.warn('plugin dispose failed', { plugin: w.planned.plugin.name, err: String(err) });
    }
  }

  #markDirty(id: string): void {
    this.#dirty.add(id);
    if (!this.#cancelFlush && !this.#closed) {
      this.#cancelFlush = this.#clock.setTimer(() => {
        this.#cancelFlush = undefined;
        this.flush();
      }, this.#debounceMs);
    }
  }
}
