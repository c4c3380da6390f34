import * as fs from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { SourceError } from '../errors.ts';
import type { GitSourceOptions } from '../git/git-source-options.ts';
import { peelToCommit } from '../git/read-tree.ts';
import { GitTreeReader } from '../git/tree-reader.ts';
import { SourceBase } from '../source-base.ts';
import type { SourceAuth } from '../types.ts';
import { withDefaults } from '../with-defaults.ts';
import { nextDelay } from './schedule.ts';
import { type Credentials, describeTokenOrigin, loadCredentials } from './token.ts';
import { stripCredentials, urlPassword } from './url.ts';

export interface RemoteGitSourceOptions extends GitSourceOptions {
  url: string;
  /** Bare repository holding the shallow fetches. */
  cacheDir: string;
  /** How often to ls-remote (default 30 s, ±10 % jitter). */
  pollIntervalMs?: number;
  auth?: SourceAuth;
}

const DEFAULTS = { pollIntervalMs: 30_000 };

const FULL_SHA = /^[0-9a-f]{40}$/i;
/** Marks a cache directory as this source's own, so it may be wiped. */
const CACHE_MARKER = 'plexus-source-cache';
/** Packs (with their .idx) after which the cache is rebuilt with one fresh shallow fetch. */
const MAX_PACK_FILES = 200;

/**
 * A remote repository over HTTP(S): a cheap ls-remote each poll, and a shallow single-ref fetch into a bare
 * cache only when the ref moved. A pinned commit is fetched once and never polled again.
 */
export class RemoteGitSource extends SourceBase {
  private failures = 0;
  /**
   * Set by stop(), cleared by start(). Not the emitter's attached state: a refresh() before start() (a webhook
   * that comes first) already fetches into the cache and starts polling.
   */
  private stopped = false;
  /** What the remote ref pointed at when we last fetched it (a tag object for annotated tags). */
  private fetchedRemoteOid: string | null = null;
  private done = false;
  /** Lives as long as the source: each commit re-reads only the trees and blobs that changed. */
  private readonly reader: GitTreeReader;

  private readonly opts: RemoteGitSourceOptions & typeof DEFAULTS;
  constructor(opts: RemoteGitSourceOptions) {
    super();
    this.opts = withDefaults(opts, DEFAULTS);
    this.reader = new GitTreeReader(opts.cacheDir);
    const { commit } = opts.target;
    if (commit && !FULL_SHA.test(commit)) {
      throw new SourceError(
        'config',
        `commit "${commit}": a remote pinned commit must be the full 40-hex SHA`,
      );
    }
  }

  protected override async open(): Promise<void> {
    this.stopped = false;
  }

  protected override async close(): Promise<void> {
    this.stopped = true;
  }

  override async refresh(): Promise<void> {
    if (this.stopped) return;
    await super.refresh();
  }

  private schedule(): void {
    this.cancelCheckLater();
    if (this.stopped || this.done) return;
    this.checkLater(nextDelay(this.opts.pollIntervalMs, this.failures));
  }

  protected async check(seenAt: number): Promise<void> {
    if (this.stopped) return;
    let creds: Credentials = { headers: {}, secrets: [] };
    try {
      creds = await loadCredentials(this.opts.auth);
      const pw = urlPassword(this.opts.url);
      if (pw) creds.secrets.push(pw);
      await this.ensureCache();
      // one isomorphic-git cache for the whole check, so pack indexes are parsed once, not per lookup
      const cache = await this.reader.cache();
      const found = this.opts.target.commit
        ? await this.fetchPinnedCommit(this.opts.target.commit, creds, cache)
        : await this.fetchRefIfMoved(creds, cache);
      this.failures = 0;
      const commit = await peelToCommit(this.opts.cacheDir, found.oid, cache);
      if (commit === this.emitter.currentId) this.emitter.ok();
      else {
        const files = await this.reader.read(commit, this.opts.subdir);
        const info = await this.reader.commitInfo(commit);
        this.emitter.revision({
          id: commit,
          files,
          seenAt,
          ref: found.ref,
          source: this.opts.label,
          ...(info ? { commit: info } : {}),
        });
      }
      if (this.opts.target.commit) this.done = true;
    } catch (err) {
      this.failures++;
      this.emitter.error(this.explain(err, creds.secrets));
    } finally {
      this.schedule();
    }
  }

  private async ensureCache(): Promise<void> {
    const { cacheDir } = this.opts;
    const marker = join(cacheDir, CACHE_MARKER);
    if (fs.existsSync(marker)) {
      // every shallow fetch adds a pack and isomorphic-git has no gc: start afresh now and then (only in a
      // directory this source created itself, recognised by its marker)
      const packs = await readdir(join(cacheDir, 'objects/pack')).catch(() => []);
      if (packs.length <= MAX_PACK_FILES) return;
      await rm(cacheDir, { recursive: true, force: true });
      this.fetchedRemoteOid = null;
    } else if (fs.existsSync(join(cacheDir, 'HEAD'))) {
      throw new SourceError('config', `cacheDir ${cacheDir} holds a git directory Plexus did not create`);
    }
    await mkdir(cacheDir, { recursive: true });
    await git.init({ fs, gitdir: cacheDir, bare: true, defaultBranch: 'main' });
    // fetch needs a refspec to record what it fetched; the URL itself is passed on each call (never stored
    // with credentials)
    await git.setConfig({
      fs,
      gitdir: cacheDir,
      path: 'remote.origin.url',
      value: stripCredentials(this.opts.url),
    });
    await git.setConfig({
      fs,
      gitdir: cacheDir,
      path: 'remote.origin.fetch',
      value: '+refs/heads/*:refs/remotes/origin/*',
    });
    await writeFile(marker, 'shallow fetch cache of a Plexus source; safe to delete\n');
  }

  /** The full remote ref to follow; 'HEAD' (the remote's default branch) when none was named. */
  private remoteRef(): string {
    const { branch, tag } = this.opts.target;
    if (tag) return `refs/tags/${tag}`;
    if (branch) return `refs/heads/${branch}`;
    return 'HEAD';
  }

  /** ls-remote the ref; fetch only when it points at an object not in the cache yet. */
  private async fetchRefIfMoved(creds: Credentials, cache: object): Promise<{ oid: string; ref?: string }> {
    const { url } = this.opts;
    const ref = this.remoteRef();
    const refs = await git.listServerRefs({
      http,
      url,
      headers: { ...creds.headers }, // isomorphic-git adds Git-Protocol to the object it is given
      prefix: ref,
      symrefs: true,
    });
    const entry = refs.find((r) => r.ref === ref);
    if (!entry) throw new SourceError('not-found', `${ref} not found on ${stripCredentials(url)}`);
    const fullRef = ref === 'HEAD' ? entry.target : ref;
    if (entry.oid === this.fetchedRemoteOid || (await hasObject(this.opts.cacheDir, entry.oid, cache))) {
      this.fetchedRemoteOid = entry.oid;
      return { oid: entry.oid, ref: fullRef };
    }
    const res = await git.fetch({
      fs,
      http,
      gitdir: this.opts.cacheDir,
      url,
      ref,
      singleBranch: true,
      depth: 1,
      tags: false,
      headers: { ...creds.headers },
    });
    if (!res.fetchHead) throw new SourceError('not-found', `${stripCredentials(url)} has no commits`);
    // the local copy of the ref is what the next fetch offers as "have", so it downloads only the difference
    await git.writeRef({ fs, gitdir: this.opts.cacheDir, ref, value: res.fetchHead, force: true });
    this.fetchedRemoteOid = res.fetchHead;
    return { oid: res.fetchHead, ref: fullRef };
  }

  /** A pinned commit: by SHA if the server allows it, else the whole history of every branch. */
  private async fetchPinnedCommit(
    commit: string,
    creds: Credentials,
    cache: object,
  ): Promise<{ oid: string; ref?: string }> {
    const gitdir = this.opts.cacheDir;
    const oid = commit.toLowerCase();
    if (await hasObject(gitdir, oid, cache)) return { oid };
    const common = { fs, http, gitdir, url: this.opts.url, tags: false };
    try {
      await git.fetch({ ...common, headers: { ...creds.headers }, ref: oid, singleBranch: true, depth: 1 });
    } catch (err) {
      if (err instanceof git.Errors.HttpError && [401, 403].includes(err.data.statusCode)) throw err;
      // most servers refuse a want of a non-tip SHA unless uploadpack.allowReachableSHA1InWant is set
      await git.fetch({ ...common, headers: { ...creds.headers }, singleBranch: false });
    }
    if (!(await hasObject(gitdir, oid, cache))) {
      throw new SourceError('not-found', `commit ${oid} not found on ${stripCredentials(this.opts.url)}`);
    }
    return { oid };
  }

  private explain(err: unknown, secrets: string[]): SourceError {
    if (err instanceof SourceError) return err;
    const where = this.opts.label;
    const e = err as { code?: string; data?: { statusCode?: number; statusMessage?: string } };
    if (err instanceof git.Errors.HttpError) {
      const status = e.data?.statusCode;
      if (status === 401 || status === 403) {
        return new SourceError(
          'auth',
          `${where}: authentication failed (HTTP ${status}): the server refused ${describeTokenOrigin(this.opts.auth)}`,
          { secrets, cause: err },
        );
      }
      if (status === 404) {
        return new SourceError('not-found', `${where}: repository not found (HTTP 404)`, {
          secrets,
          cause: err,
        });
      }
      return new SourceError('network', `${where}: HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim(), {
        secrets,
        cause: err,
      });
    }
    if (e.code === 'NotFoundError') {
      return new SourceError('not-found', `${where}: ${(err as Error).message}`, { secrets, cause: err });
    }
    const sys = e.code && /^E[A-Z]+$/.test(e.code);
    return new SourceError(sys ? 'network' : 'git', `${where}: ${(err as Error).message ?? String(err)}`, {
      secrets,
      cause: err,
    });
  }
}

async function hasObject(gitdir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readObject({ fs, gitdir, oid, cache, format: 'deflated' });
    return true;
  } catch {
    return false;
  }
}
