import { relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { Debouncer, SerialRunner } from '../batch.ts';
import { RevisionEmitter } from '../emitter.ts';
import { toSourceError } from '../errors.ts';
import { type GitTarget, resolveLocalTarget } from '../git/resolve-target.ts';
import { GitTreeReader } from '../git/tree-reader.ts';
import type { ErrorListener, RevisionListener, Source } from '../types.ts';

export interface LocalGitSourceOptions {
  gitdir: string;
  target: GitTarget;
  /** Normalised subdirectory ('' = root). */
  subdir: string;
  /** Human label for revisions. */
  label: string;
  /** Backstop poll in case a file event is lost (default 5 s). */
  pollIntervalMs?: number;
  /** Quiet time that batches a burst of ref events (default 50 ms). */
  batchMs?: number;
}

/** Files and folders of a git directory whose change can move the tracked commit. */
const REF_ENTRIES = new Set(['HEAD', 'packed-refs', 'refs', 'logs']);

/**
 * Follows a branch, tag or commit of a local repository (work tree or bare): its committed state, read from
 * git objects. Ref files are watched so a commit, reset or force-push is seen at once.
 */
export class LocalGitSource implements Source {
  private readonly emitter = new RevisionEmitter();
  private readonly runner = new SerialRunner((seenAt) => this.check(seenAt));
  private readonly debouncer: Debouncer;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  /** Lives as long as the source: each commit re-reads only the trees and blobs that changed. */
  private readonly reader: GitTreeReader;

  private readonly opts: LocalGitSourceOptions;
  constructor(opts: LocalGitSourceOptions) {
    this.opts = opts;
    this.reader = new GitTreeReader(opts.gitdir);
    this.debouncer = new Debouncer(opts.batchMs ?? 50, (at) => void this.runner.trigger(at));
  }

  async start(onRevision: RevisionListener, onError: ErrorListener): Promise<void> {
    if (this.emitter.attached) throw new Error('source already started');
    this.emitter.attach(onRevision, onError);
    const { gitdir } = this.opts;
    const watcher = watch(gitdir, {
      ignoreInitial: true,
      ignored: (p: string) => {
        const rel = relative(gitdir, p);
        return rel !== '' && !REF_ENTRIES.has(rel.split(sep)[0]);
      },
    });
    watcher.on('all', () => this.debouncer.poke());
    watcher.on('error', (err) => this.emitter.error(toSourceError(err, 'io', `watching ${gitdir}`)));
    this.watcher = watcher;
    await new Promise<void>((r) => watcher.once('ready', () => r()));
    await this.runner.trigger();
    if (!this.opts.target.commit) {
      this.poll = setInterval(() => void this.runner.trigger(), this.opts.pollIntervalMs ?? 5000);
      this.poll.unref();
    }
  }

  async refresh(): Promise<void> {
    await this.runner.trigger();
  }

  async stop(): Promise<void> {
    this.emitter.detach();
    this.debouncer.cancel();
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.runner.idle();
  }

  private async check(seenAt: number): Promise<void> {
    if (!this.emitter.attached) return;
    const { gitdir, target, subdir, label } = this.opts;
    try {
      const cache = await this.reader.cache();
      const { commit, ref } = await resolveLocalTarget(gitdir, target, cache);
      if (commit === this.emitter.currentId) return this.emitter.ok();
      const files = await this.reader.read(commit, subdir);
      this.emitter.revision({ id: commit, files, seenAt, ref, source: label });
    } catch (err) {
      this.emitter.error(toSourceError(err, 'git', `reading ${label}`));
    }
  }
}
