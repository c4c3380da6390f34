import type { KubernetesObject, ListWatch } from '@kubernetes/client-node';
import type { ResumingInformer } from './informer.ts';

/** One watch's use of a shared informer. */
export interface InformerLease<T extends KubernetesObject> {
  informer: ListWatch<T>;
  /** Resolves once the first list is in; rejects if starting failed. */
  started: Promise<void>;
  /** Ends this use; the informer stops with its last lease. Idempotent. */
  release(): void;
}

interface Entry<T extends KubernetesObject> {
  handle: ResumingInformer<T>;
  started: Promise<void>;
  leases: number;
}

/**
 * Informers shared by every watch that needs the same list (same API server, path and label selector): N
 * virtual nodes selecting pods of one namespace open one EndpointSlice watch and one Pod watch per selector,
 * not N of each. An informer that fails leaves the pool at once, so the watches restarted after the failure
 * start a fresh one.
 */
export class InformerPool<T extends KubernetesObject> {
  readonly #entries = new Map<string, Entry<T>>();

  /** Informers running now. */
  get size(): number {
    return this.#entries.size;
  }

  acquire(key: string, make: () => ResumingInformer<T>): InformerLease<T> {
    let entry = this.#entries.get(key);
    if (!entry) entry = this.#start(key, make());
    entry.leases++;
    const held = entry;
    let released = false;
    return {
      informer: held.handle.informer,
      started: held.started,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        if (held.leases > 0) return;
        if (this.#entries.get(key) === held) this.#entries.delete(key);
        held.handle.stop();
      },
    };
  }

  #start(key: string, handle: ResumingInformer<T>): Entry<T> {
    const leave = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    // Registered before any watch's handler: the pool forgets a failed informer before the watches hear of it.
    handle.informer.on('error', leave);
    const entry: Entry<T> = { handle, leases: 0, started: Promise.resolve() };
    entry.started = handle.informer.start().catch((err: unknown) => {
      leave();
      throw err;
    });
    // A rejection is handled by the watches holding a lease; do not let it count as unhandled.
    entry.started.catch(() => {});
    this.#entries.set(key, entry);
    return entry;
  }
}
