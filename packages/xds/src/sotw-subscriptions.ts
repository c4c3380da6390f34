import type { ResourceEntry } from './resource-cache.ts';

/** The resources one SotW subscription selects from a snapshot map, and their version. */
export interface Selection {
  entries: ReadonlyMap<string, ResourceEntry>;
  version: string;
}

type ByNames = WeakMap<ReadonlySet<string>, Selection>;

/**
 * SotW subscriptions shared between streams. The proxies of one node ask for the same route and endpoint names:
 * they hold one interned Set of those names, and the selection a snapshot map gives that Set is made once, not
 * once per stream, so a push to ten thousand streams builds a selected map and its version per distinct
 * subscription. Entries live as long as a stream holds the Set (or the snapshot map it was selected from).
 */
export class SotwSubscriptions {
  readonly #sets = new Map<string, WeakRef<ReadonlySet<string>>>();
  readonly #forget = new FinalizationRegistry<string>((key) => {
    // a Set made again under the same key since then stays
    if (!this.#sets.get(key)?.deref()) this.#sets.delete(key);
  });
  readonly #named = new WeakMap<ReadonlyMap<string, ResourceEntry>, ByNames>();
  readonly #wildcardAndNamed = new WeakMap<ReadonlyMap<string, ResourceEntry>, ByNames>();

  /** The interned Set of these names (order and repeats do not matter). */
  names(list: readonly string[]): ReadonlySet<string> {
    // clients name resources in the order they got them, which is usually sorted already
    const sorted = ascending(list) ? list : [...new Set(list)].sort();
    const key = sorted.join('\n');
    const known = this.#sets.get(key)?.deref();
    if (known) return known;
    const set: ReadonlySet<string> = new Set(sorted);
    this.#sets.set(key, new WeakRef(set));
    this.#forget.register(set, key);
    return set;
  }

  /** Distinct subscriptions held now (for tests and gauges). */
  get size(): number {
    return this.#sets.size;
  }

  /**
   * What `all` gives the interned `names` (plus every entry when `wildcard`): `select` runs the first time a
   * (map, names, wildcard) is asked for, and every later stream gets that same Selection.
   */
  selection(
    all: ReadonlyMap<string, ResourceEntry>,
    names: ReadonlySet<string>,
    wildcard: boolean,
    select: () => Selection,
  ): Selection {
    const maps = wildcard ? this.#wildcardAndNamed : this.#named;
    let byNames = maps.get(all);
    if (!byNames) {
      byNames = new WeakMap();
      maps.set(all, byNames);
    }
    let s = byNames.get(names);
    if (!s) {
      s = select();
      byNames.set(names, s);
    }
    return s;
  }
}

/** Strictly ascending: sorted, without repeats. */
function ascending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!(list[i - 1] < list[i])) return false;
  return true;
}
