import type { Diagnostic, Kind, SpecResource } from '../model/resource.ts';
import { parentOf, type ResourceIndex } from './resource-index.ts';

/** One index lookup a resource's rules made, with what it answered and the dependency it stands for. */
type Lookup = { dep: string } & (
  | {
      at: 'get';
      kind: Kind;
      mesh: string;
      name: string;
      parent: string | undefined;
      found: SpecResource | undefined;
    }
  | { at: 'routeCount'; mesh: string; router: string; count: number }
  | { at: 'hasMesh'; name: string; found: boolean }
);

interface Entry {
  partial: boolean;
  out: Diagnostic[];
  lookups: Lookup[];
}

/**
 * What a lookup depends on. A Mesh lookup depends on every Mesh of that name (the owner's definition and the
 * views that name it decide together which one `get` answers), so it shares the `hasMesh` dependency.
 */
const meshDep = (name: string) => `m\u0000${name}`;
const routesDep = (mesh: string, router: string) => `r\u0000${mesh}\u0000${router}`;
const getDep = (kind: Kind, mesh: string, name: string, parent = '') =>
  kind === 'Mesh' ? meshDep(name) : `g\u0000${kind}\u0000${mesh}\u0000${parent}\u0000${name}`;

/** The dependencies whose answer a resource's arrival or departure can change. */
function touches(r: SpecResource, into: Set<string>): void {
  into.add(getDep(r.kind, r.mesh, r.name, parentOf(r)));
  if (r.kind === 'Mesh') into.add(meshDep(r.name));
  if (r.kind === 'Route' && r.virtualRouter !== undefined) into.add(routesDep(r.mesh, r.virtualRouter));
}

/**
 * Per-resource findings of the previous validations, for a stream of revisions of one tree. A resource's rules
 * read only the resource itself and what they look up in the index, so its findings are reused while the
 * resource is the same object (its file was not re-parsed) and every lookup its rules made answers the same.
 *
 * The cost follows the change, not the tree: begin() compares the resources with the previous call's (by
 * identity) and collects the dependencies the added and removed ones touch (their kind/mesh/parent/name, their
 * router's route count, their mesh). An index answer can only change where a resource came or went, provided
 * the resources that stayed kept their order (the first of two duplicates is the one found); so a kept
 * resource is reused unless one of its lookups is among those dependencies. Those resources are found through
 * a dependency → resources index kept from call to call, so reuse() is a set lookup and a commit never walks
 * (nor hashes) every resource's lookups. When the kept resources changed order, or on the first call, every
 * lookup is asked again instead. A resource that leaves is forgotten, so one that comes back is checked anew.
 * Either way the output is the same as a full validation's. Memory follows the current tree.
 */
export class ValidationMemo {
  private readonly entries = new WeakMap<SpecResource, Entry>();
  /** The previous call's resources, with their positions. */
  private order = new Map<SpecResource, number>();
  /** Dependencies touched since the previous call; undefined: ask every lookup again. */
  private dirty: Set<string> | undefined;
  /** Resources absent from the previous call. */
  private arrived = new Set<SpecResource>();
  /** Dependency → the current resources whose findings rest on it (one of their lookups has that dep). */
  private readonly dependents = new Map<string, Set<SpecResource>>();
  /** Kept resources with a lookup among the dirty dependencies: checked again. */
  private stale = new Set<SpecResource>();
  /** Resources whose rules ran in the latest validation (the rest were reused). */
  checked = 0;
  reused = 0;

  /** Starts a validation of `resources`: resets the counters and works out what changed since the last one. */
  begin(resources: readonly SpecResource[]): void {
    this.checked = 0;
    this.reused = 0;
    const previous = this.order;
    const next = new Map<SpecResource, number>();
    const dirty = new Set<string>();
    const arrived = new Set<SpecResource>();
    let ordered = previous.size > 0;
    let last = -1;
    for (const [i, r] of resources.entries()) {
      if (next.has(r)) ordered = false;
      next.set(r, i);
      const was = previous.get(r);
      if (was === undefined) {
        touches(r, dirty);
        arrived.add(r);
      } else if (was < last) ordered = false;
      else last = was;
    }
    for (const r of previous.keys()) {
      if (next.has(r)) continue;
      touches(r, dirty);
      this.forget(r);
    }
    const stale = new Set<SpecResource>();
    if (ordered) for (const dep of dirty) for (const r of this.dependents.get(dep) ?? []) stale.add(r);
    this.order = next;
    this.dirty = ordered ? dirty : undefined;
    this.arrived = arrived;
    this.stale = stale;
  }

  /** The cached findings of `r`, if still valid against `index`. */
  reuse(r: SpecResource, index: ResourceIndex, partial: boolean): Diagnostic[] | undefined {
    const e = this.entries.get(r);
    if (!e || e.partial !== partial) return undefined;
    if (this.dirty && !this.arrived.has(r)) {
      if (this.stale.has(r)) return undefined;
    } else if (!answersSame(e.lookups, index)) return undefined;
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
          lookups.push({ at: 'get', dep: getDep(kind, mesh, name, parent), kind, mesh, name, parent, found });
          return found;
        },
        routeCount: (mesh, router) => {
          const count = index.routeCount(mesh, router);
          lookups.push({ at: 'routeCount', dep: routesDep(mesh, router), mesh, router, count });
          return count;
        },
        hasMesh: (name) => {
          const found = index.hasMesh(name);
          lookups.push({ at: 'hasMesh', dep: meshDep(name), name, found });
          return found;
        },
      },
    };
  }

  remember(r: SpecResource, partial: boolean, out: Diagnostic[], lookups: Lookup[]): void {
    this.checked++;
    this.unlink(r);
    this.entries.set(r, { partial, out, lookups });
    for (const l of lookups) {
      const users = this.dependents.get(l.dep);
      if (users) users.add(r);
      else this.dependents.set(l.dep, new Set([r]));
    }
  }

  private forget(r: SpecResource): void {
    this.unlink(r);
    this.entries.delete(r);
  }

  /** Takes `r` out of the dependency index (its entry's lookups). */
  private unlink(r: SpecResource): void {
    const e = this.entries.get(r);
    if (!e) return;
    for (const l of e.lookups) {
      const users = this.dependents.get(l.dep);
      if (!users) continue;
      users.delete(r);
      if (users.size === 0) this.dependents.delete(l.dep);
    }
  }
}

/** Whether every lookup answers as it did when it was recorded. */
function answersSame(lookups: readonly Lookup[], index: ResourceIndex): boolean {
  for (const l of lookups) {
    if (l.at === 'get') {
      if (index.get(l.kind, l.mesh, l.name, l.parent) !== l.found) return false;
    } else if (l.at === 'routeCount') {
      if (index.routeCount(l.mesh, l.router) !== l.count) return false;
    } else if (index.hasMesh(l.name) !== l.found) return false;
  }
  return true;
}
