import { relative, sep } from 'node:path';
import { ChangeWatcher } from '../change-watcher.ts';
import { toSourceError } from '../errors.ts';
import type { GitSourceOptions } from '../git/git-source-options.ts';
import { resolveLocalTarget } from '../git/resolve-target.ts';
import { GitTreeReader } from '../git/tree-reader.ts';
import { SourceBase } from '../source-base.ts';
import type { ErrorListener, RevisionListener } from '../types.ts';
import { withDefaults } from '../with-defaults.ts';

export interface LocalGitSourceOptions extends GitSourceOptions {
  gitdir: string;
  /** Backstop poll in case a file event is lost (default 5 s). */
  pollIntervalMs?: number;
  /**
   * Quiet time that batches a burst of ref events (default 0: check at the first event; git writes objects
   * before it moves a ref, and a check while one runs schedules exactly one more, so a burst costs two checks).
   */
  batchMs?: number;
}

const DEFAULTS = { pollIntervalMs: 5000, batchMs: 0 };

/** Files and folders of a git directory whose change can move the tracked commit. */
const REF_ENTRIES = new Set(['HEAD', 'packed-refs', 'refs', 'logs']);

/**
 * Follows a branch, tag or commit of a local repository (work tree or bare): its committed state, read from
 * git objects. Ref files are watched so a commit, reset or force-push is seen at once.
 */
export class LocalGitSource extends SourceBase {
  private readonly changes: ChangeWatcher;
  private poll: NodeJS.Timeout | null = null;
  /** Lives as long as the source: each commit re-reads only the trees and blobs that changed. */
  private readonly reader: GitTreeReader;

  private readonly opts: LocalGitSourceOptions & typeof DEFAULTS;
  constructor(opts: LocalGitSourceOptions) {
    super();
    this.opts = withDefaults(opts, DEFAULTS);
    const { gitdir } = opts;
    this.reader = new GitTreeReader(gitdir);
    this.changes = new ChangeWatcher({
      dir: gitdir,
      watch: {
        ignored: (p: string) => {
          const rel = relative(gitdir, p);
          return rel !== '' && !REF_ENTRIES.has(rel.split(sep)[0]);
        },
      },
      batchMs: this.opts.batchMs,
      onChange: (at) => void this.runner.trigger(at),
      onError: (err) => this.emitter.error(err),
    });
  }

  override async start(onRevision: RevisionListener, onError: ErrorListener): Promise<void> {
    await super.start(onRevision, onError);
    // no backstop poll for a pinned commit, nor when stop() came during the first check
    if (!this.opts.target.commit && this.emitter.attached) {
      this.poll = setInterval(() => void this.runner.trigger(), this.opts.pollIntervalMs);
      this.poll.unref();
    }
  }

  protected override open(): Promise<void> {
    return this.changes.open();
  }

  protected override async close(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    await this.changes.close();
  }

  protected async check(seenAt: number): Promise<void> {
    if (!this.emitter.attached) return;
    const { gitdir, target, subdir, label } = this.opts;
    try {
      const cache = await this.reader.cache();
      const { commit, ref } = await resolveLocalTarget(gitdir, target, cache);
      if (commit === this.emitter.currentId) return this.emitter.ok();
      const files = await this.reader.read(commit, subdir);
      const info = await this.reader.commitInfo(commit);
      this.emitter.revision({
        id: commit,
        files,
        seenAt,
        ref,
        source: label,
        ...(info ? { commit: info } : {}),
      });
    } catch (err) {
      this.emitter.error(toSourceError(err, 'git', `reading ${label}`));
    }
  }
}
