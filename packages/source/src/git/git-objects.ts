import * as fs from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import git from 'isomorphic-git';

/** One entry of a tree object, as isomorphic-git's readTree gives it. */
export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

/** What a commit object says that a source reports. */
export interface CommitObject {
  tree: string;
  author: { name: string; email: string; timestamp: number };
  message: string;
}

/**
 * Git objects of one git directory. A loose object (every fresh commit's are) is read straight from its file:
 * one small synchronous read from the page cache and a native inflate, instead of isomorphic-git's several
 * thread-pool round trips, alternates lookups and JS inflate, which made a one-file commit's read cost 10–30 ms
 * on a busy event loop. Packed objects (clones, fetches, gc) go through isomorphic-git and its pack cache.
 */
export class GitObjects {
  readonly gitdir: string;
  /** isomorphic-git's cache (pack indexes), replaced by the owner when packs go away. */
  cache: object;
  /** Objects read from their loose files so far (the rest went to isomorphic-git). */
  looseReads = 0;
  constructor(gitdir: string, cache: object) {
    this.gitdir = gitdir;
    this.cache = cache;
  }

  /** A tree's entries; a commit's oid gives its tree's (as isomorphic-git's readTree does). */
  async tree(oid: string): Promise<TreeEntry[]> {
    const loose = this.loose(oid);
    if (loose?.type === 'tree') return parseTree(loose.content);
    if (loose?.type === 'commit') return this.tree(parseCommit(oid, loose.content).tree);
    return (await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache })).tree as TreeEntry[];
  }

  async blob(oid: string): Promise<Uint8Array> {
    const loose = this.loose(oid);
    if (loose?.type === 'blob') return loose.content;
    return (await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache })).blob;
  }

  async commit(oid: string): Promise<CommitObject> {
    const loose = this.loose(oid);
    if (loose?.type === 'commit') return parseCommit(oid, loose.content);
    return (await git.readCommit({ fs, gitdir: this.gitdir, oid, cache: this.cache })).commit;
  }

  /**
   * The object's type and content if it is loose; undefined if it is packed or absent (isomorphic-git then
   * reads it, or says it is missing). A type other than the one asked for also goes to isomorphic-git, for its
   * error or its peeling.
   */
  private loose(oid: string): { type: string; content: Buffer } | undefined {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return undefined;
      throw err;
    }
    this.looseReads++;
    const data = inflateSync(raw);
    const space = data.indexOf(0x20);
    const nul = data.indexOf(0, space);
    const type = data.toString('latin1', 0, space);
    const length = Number(data.toString('latin1', space + 1, nul));
    const content = data.subarray(nul + 1);
    if (content.length !== length)
      throw new Error(`git object ${oid} is cut short: ${content.length} of ${length} bytes`);
    return { type, content };
  }
}

/** A tree object's entries: `<mode> <name>\0<20-byte oid>`, repeated. */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    const raw = content.toString('latin1', i, space);
    const mode = raw.length === 5 ? `0${raw}` : raw; // git writes trees as 40000; isomorphic-git says 040000
    entries.push({
      mode,
      path: content.toString('utf8', space + 1, nul),
      oid: content.toString('hex', nul + 1, nul + 21),
      type: mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob',
    });
    i = nul + 21;
  }
  return entries;
}

/** The tree, author and message of a commit object (headers, a blank line, the message). */
export function parseCommit(oid: string, content: Buffer): CommitObject {
  const text = content.toString('utf8');
  const end = text.indexOf('\n\n');
  const headers = (end < 0 ? text : text.slice(0, end)).split('\n');
  const value = (key: string) => headers.find((h) => h.startsWith(`${key} `))?.slice(key.length + 1);
  const tree = value('tree');
  const author = value('author')?.match(/^(.*) <(.*)> (\d+) [+-]\d{4}$/);
  if (!tree || !author) throw new Error(`git commit ${oid} has no tree or author line`);
  return {
    tree,
    author: { name: author[1], email: author[2], timestamp: Number(author[3]) },
    message: end < 0 ? '' : text.slice(end + 2),
  };
}
