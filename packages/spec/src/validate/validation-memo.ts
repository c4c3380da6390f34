import type { Diagnostic, Kind, SpecResource } from '../model/resource.ts';
import type { ResourceIndex } from './resource-index.ts';

/** One index lookup a resource's rules made, with what it answered. */
type Lookup =
  | {
      at: 'get';
      kind: Kind;
      mesh: string;
      name: string;
      parent: string | undefined;
      found: SpecResource | undefined;
    }
  | { at: 'routeCount'; mesh: string; router: string; count: number }
  | { at: 'hasMesh'; name: string; found: boolean };

interface Entry {
  partial: boolean;
  out: Diagnostic[];
  lookups: Lookup[];
}

/**
 * Per-resource findings of the previous validations, for a stream of revisions of one tree. A resource's rules
 * read only the resource itself and what they look up in the index, so its findings are reused while the
 * resource is the same object (its file was not re-parsed) and every lookup its rules made answers the same
 * (the same neighbour objects, the same route counts). A commit that edits one file re-checks that file's
 * resources and whatever looked them up; the output is the same as a full validation's. Entries are weak:
 * memory follows the current tree.
 */
export class ValidationMemo {
  private readonly entries = new WeakMap<SpecResource, Entry>();
  /** Resources whose rules ran in the latest validation (the rest were reused). */
  checked = 0;
  reused = 0;

  /** The cached findings of `r`, if still valid against `index`. */
  reuse(r: SpecResource, index: ResourceIndex, partial: boolean): Diagnostic[] | undefined {
    const e = this.entries.get(r);
    if (!e || e.partial !== partial) return undefined;
    for (const l of e.lookups) {
      if (l.at === 'get') {
        if (index.get(l.kind, l.mesh, l.name, l.parent) !== l.found) return undefined;
      } else if (l.at === 'routeCount') {
        if (index.routeCount(l.mesh, l.router) !== l.count) return undefined;
      } else if (index.hasMesh(l.name) !== l.found) return undefined;
    }
    this.reused++;
    return e.out;
  }

  /** An index that records every lookup, for running the rules of one resource. */
  tracking(index: ResourceIndex): { index: ResourceIndex; lookups: Lookup[] } {
    const lookups: Lookup[] = [];
    return {
      lookups,
      index: {
        duplicates: index.duplicates,
        get: (kind, mesh, name, parent) => {
          const found = index.get(kind, mesh, name, parent);
          lookups.push({ at: 'get', kind, mesh, name, parent, found });
          return found;
        },
        routeCount: (mesh, router) => {
          const count = index.routeCount(mesh, router);
          lookups.push({ at: 'routeCount', mesh, router, count });
          return count;
        },
        hasMesh: (name) => {
          const found = index.hasMesh(name);
          lookups.push({ at: 'hasMesh', name, found });
          return found;
        },
      },
    };
  }

  remember(r: SpecResource, partial: boolean, out: Diagnostic[], lookups: Lookup[]): void {
    this.checked++;
    this.entries.set(r, { partial, out, lookups });
  }

  /** Resets the counters before a validation. */
  begin(): void {
    this.checked = 0;
    this.reused = 0;
  }
}
