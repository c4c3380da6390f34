import * as fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { SourceError } from '../errors.ts';
import { isSpecFile } from '../spec-files.ts';
import type { CommitInfo, SourceFile } from '../types.ts';
import { GitObjects, type TreeEntry } from './git-objects.ts';

const decoder = new TextDecoder('utf-8');

/** A spec file found under a tree, with its path relative to that tree. */
interface TreeFile {
  path: string;
  oid: string;
  content: string;
}

/** What one tree object holds: its spec files (recursively) and its direct subtrees. */
interface TreeFiles {
  files: TreeFile[];
  subtrees: string[];
}

/**
 * Reads the spec files of successive commits of one git directory, reusing what did not change: a tree
 * whose oid was seen at the previous read is not walked again, and a blob whose oid was seen is not read
 * again (a rename or a move keeps its blob oid). Both memos hold only the objects of the latest read, so
 * memory follows the size of the current tree, not of the history. One isomorphic-git cache (packfile
 * indexes) serves every read; it is replaced when a pack disappears (gc, repack, a rebuilt fetch cache) so
 * indexes of deleted packs are not kept.
 */
export class GitTreeReader {
  private gitCache: object;
  private readonly objects: GitObjects;
  private packs = new Set<string>();
  private trees = new Map<string, TreeFiles>();
  private blobs = new Map<string, string>();
  private readCounts = { trees: 0, blobs: 0 };
  /** The latest commit read (git objects never change, so an oid's entry never goes stale). */
  private lastCommit: { oid: string; tree: string; info: CommitInfo } | undefined;

  /** `cache`: an isomorphic-git cache to start from (the reader owns it from then on). */
  readonly gitdir: string;
  constructor(gitdir: string, cache: object = {}) {
    this.gitdir = gitdir;
    this.gitCache = cache;
    this.objects = new GitObjects(gitdir, cache);
  }

  /**
   * The isomorphic-git cache for other reads of this git directory (refs, tag peeling). Call once per
   * check, before reading: it notices removed packs.
   */
  async cache(): Promise<object> {
    const listed = await readdir(join(this.gitdir, 'objects', 'pack')).catch(() => [] as string[]);
    const packs = new Set(listed.filter((f) => f.endsWith('.idx')));
    // a new pack is loaded lazily into the same cache; a removed one would stay in it forever
    for (const old of this.packs) {
      if (!packs.has(old)) {
        this.gitCache = {};
        this.objects.cache = this.gitCache;
        break;
      }
    }
    this.packs = packs;
    return this.gitCache;
  }

  /** Author, subject and time of a commit; undefined if it cannot be read (never fails the revision). */
  async commitInfo(oid: string): Promise<CommitInfo | undefined> {
    return (await this.commit(oid))?.info;
  }

  /** A commit's tree and info, read once for read() and commitInfo() of the same commit. */
  private async commit(oid: string): Promise<{ tree: string; info: CommitInfo } | undefined> {
    if (this.lastCommit?.oid === oid) return this.lastCommit;
    try {
      const commit = await this.objects.commit(oid);
      const a = commit.author;
      const info = {
        author: `${a.name} <${a.email}>`,
        subject: commit.message.split('\n')[0] ?? '',
        time: new Date(a.timestamp * 1000).toISOString(),
      };
      this.lastCommit = { oid, tree: commit.tree, info };
      return this.lastCommit;
    } catch {
      return undefined;
    }
  }

  /** Objects memoised from the latest read (for tests: they must not grow past one tree's worth). */
  get memoSize(): { trees: number; blobs: number } {
    return { trees: this.trees.size, blobs: this.blobs.size };
  }

  /** Tree and blob objects the latest read took from git (the rest came from the memo). */
  get lastRead(): { trees: number; blobs: number } {
    return { ...this.readCounts };
  }

  /**
   * The spec-like files of `subdir` at commit `oid`, read straight from git objects (no checkout, so the
   * work tree's uncommitted edits never leak in). Paths are relative to `subdir`, sorted.
   */
  async read(oid: string, subdir: string): Promise<SourceFile[]> {
    const { gitdir } = this;
    const cache = this.gitCache;
    let root: { oid: string; tree: TreeEntry[] };
    try {
      // a commit's tree straight away (its commit object is then read once per check); other oids as given
      const tree = (await this.commit(oid))?.tree ?? oid;
      root = subdir
        ? ((await git.readTree({ fs, gitdir, oid: tree, filepath: subdir, cache })) as typeof root)
        : { oid: tree, tree: await this.objects.tree(tree) };
    } catch (err) {
      if ((err as { code?: string }).code === 'NotFoundError' && subdir) {
        throw new SourceError('not-found', `path "${subdir}" does not exist at commit ${oid}`);
      }
      throw err;
    }
    const oldTrees = this.trees;
    const oldBlobs = this.blobs;
    const trees = new Map<string, TreeFiles>();
    const counts = { trees: 1, blobs: 0 };

    const keep = (treeOid: string, found: TreeFiles): void => {
      trees.set(treeOid, found);
      for (const sub of found.subtrees) {
        const child = oldTrees.get(sub);
        if (child && !trees.has(sub)) keep(sub, child);
      }
    };
    const walk = async (treeOid: string, given?: TreeEntry[]): Promise<TreeFiles> => {
      const done = trees.get(treeOid) ?? oldTrees.get(treeOid);
      if (done) {
        keep(treeOid, done);
        return done;
      }
      if (!given) counts.trees++;
      const entries = given ?? (await this.objects.tree(treeOid));
      const found: TreeFiles = { files: [], subtrees: [] };
      for (const entry of entries) {
        if (entry.type === 'tree') {
          found.subtrees.push(entry.oid);
          const sub = await walk(entry.oid);
          for (const f of sub.files) found.files.push({ ...f, path: `${entry.path}/${f.path}` });
        }
        // mode 120000 is a symlink, type 'commit' a submodule: neither is a spec file
        else if (entry.type === 'blob' && entry.mode !== '120000' && isSpecFile(entry.path)) {
          let content = oldBlobs.get(entry.oid);
          if (content === undefined) {
            counts.blobs++;
            content = decoder.decode(await this.objects.blob(entry.oid));
          }
          found.files.push({ path: entry.path, oid: entry.oid, content });
        }
      }
      trees.set(treeOid, found);
      return found;
    };
    const top = await walk(root.oid, root.tree);

    const blobs = new Map<string, string>();
    const files: SourceFile[] = [];
    for (const f of top.files) {
      blobs.set(f.oid, f.content);
      files.push({ path: f.path, content: f.content });
    }
    this.trees = trees;
    this.blobs = blobs;
    this.readCounts = counts;
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return files;
  }
}
