import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { GitTreeReader } from '@plexus/source';
import { resourceId, type SourceFile, type SpecResource } from '@plexus/spec';
import git from 'isomorphic-git';
import { stableJson } from './stable-json.ts';

/** What App Mesh's `metadata` says about a resource besides its ARN and owners. */
export interface ResourceMetadata {
  /** Epoch seconds. */
  createdAt: number;
  lastUpdatedAt: number;
  /** 1 at creation, +1 for every commit that changed its spec or tags. */
  version: number;
  uid: string;
}

export interface MetadataSource {
  /** Metadata of every resource of `revision`, by `resourceId`. */
  at(revision: string): Promise<Map<string, ResourceMetadata>>;
}

function uidOf(id: string, created: string): string {
  const h = createHash('sha256').update(`${id}\0${created}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function fingerprint(r: SpecResource): string {
  return stableJson({ spec: r.spec, tags: r.tags ?? [] });
}

interface CommitState {
  meta: Map<string, ResourceMetadata & { hash: string }>;
}

/**
 * Metadata from git history: a resource's version counts the first-parent commits that changed it,
 * createdAt is the commit that added it (again, after a delete), lastUpdatedAt the latest that changed it.
 * Each commit's result derives from its parent's, so a new commit costs one tree read (unchanged trees and
 * blobs come from the reader's memo) and one load of the changed files.
 */
export class GitHistoryMetadata implements MetadataSource {
  readonly #reader: GitTreeReader;
  readonly #memo = new Map<string, CommitState>();
  readonly #gitdir: string;
  readonly #subdir: string;
  readonly #load: (files: SourceFile[]) => SpecResource[];
  readonly #maxDepth: number;

  constructor(opts: {
    gitdir: string;
    subdir: string;
    load: (files: SourceFile[]) => SpecResource[];
    /** History walked at most this far back (older changes count as the creation). Default 5000. */
    maxDepth?: number;
  }) {
    this.#gitdir = opts.gitdir;
    this.#subdir = opts.subdir;
    this.#load = opts.load;
    this.#maxDepth = opts.maxDepth ?? 5000;
    this.#reader = new GitTreeReader(opts.gitdir);
  }

  async at(revision: string): Promise<Map<string, ResourceMetadata>> {
    const chain: Array<{ oid: string; time: number }> = [];
    let oid: string | undefined = revision;
    let base: CommitState | undefined;
    while (oid && chain.length < this.#maxDepth) {
      base = this.#memo.get(oid);
      if (base) break;
      const { commit } = await git.readCommit({
        fs,
        gitdir: this.#gitdir,
        oid,
        cache: await this.#reader.cache(),
      });
      chain.push({ oid, time: commit.committer.timestamp });
      oid = commit.parent[0];
    }
    let state: CommitState = base ?? { meta: new Map() };
    for (const c of chain.reverse()) {
      state = await this.#next(state, c.oid, c.time);
      this.#memo.set(c.oid, state);
    }
    // keep the newest few commits (a write's revision, the applied one, and their parents)
    while (this.#memo.size > 64) this.#memo.delete(this.#memo.keys().next().value!);
    return new Map([...state.meta].map(([id, m]) => [id, { ...m }]));
  }

  async #next(prev: CommitState, oid: string, time: number): Promise<CommitState> {
    let resources: SpecResource[];
    try {
      resources = this.#load(await this.#reader.read(oid, this.#subdir));
    } catch {
      return prev; // the subdirectory does not exist yet at this commit, or the tree is unreadable
    }
    const meta = new Map<string, ResourceMetadata & { hash: string }>();
    for (const r of resources) {
      const id = resourceId(r);
      const hash = fingerprint(r);
      const before = prev.meta.get(id);
      if (!before)
        meta.set(id, { createdAt: time, lastUpdatedAt: time, version: 1, uid: uidOf(id, oid), hash });
      else if (before.hash !== hash)
        meta.set(id, { ...before, lastUpdatedAt: time, version: before.version + 1, hash });
      else meta.set(id, before);
    }
    return { meta };
  }
}

/** For a plain directory (no history): every resource at version 1, created when first seen. */
export class SeenMetadata implements MetadataSource {
  readonly #seen = new Map<string, ResourceMetadata & { hash: string }>();
  readonly #resources: (revision: string) => SpecResource[] | undefined;
  constructor(resources: (revision: string) => SpecResource[] | undefined) {
    this.#resources = resources;
  }
  async at(revision: string): Promise<Map<string, ResourceMetadata>> {
    const now = Math.floor(Date.now() / 1000);
    const out = new Map<string, ResourceMetadata>();
    for (const r of this.#resources(revision) ?? []) {
      const id = resourceId(r);
      const hash = fingerprint(r);
      let m = this.#seen.get(id);
      if (!m) m = { createdAt: now, lastUpdatedAt: now, version: 1, uid: uidOf(id, String(now)), hash };
      else if (m.hash !== hash) m = { ...m, lastUpdatedAt: now, version: m.version + 1, hash };
      this.#seen.set(id, m);
      out.set(id, m);
    }
    return out;
  }
}
