import { basename } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { Debouncer, SerialRunner } from '../batch.ts';
import { RevisionEmitter } from '../emitter.ts';
import { toSourceError } from '../errors.ts';
import { isSpecFile } from '../spec-files.ts';
import type { ErrorListener, RevisionListener, Source } from '../types.ts';
import { readDirectorySnapshot } from './read-directory.ts';

export interface DirectorySourceOptions {
  /** Absolute directory to read (the subdirectory already joined). */
  root: string;
  label: string;
  /** Quiet time before a change is applied; a file counts as written once unchanged this long (default 300 ms). */
  settleMs?: number;
}

/**
 * Dev mode: a plain directory watched file by file. Bursts of writes become one revision, and a file still
 * being written is never read half-done (chokidar's awaitWriteFinish, then a stat-checked snapshot read).
 */
export class DirectorySource implements Source {
  private readonly emitter = new RevisionEmitter();
  private readonly runner = new SerialRunner((seenAt) => this.check(seenAt));
  private readonly debouncer: Debouncer;
  private readonly settleMs: number;
  private watcher: FSWatcher | null = null;
  private retry: NodeJS.Timeout | null = null;

  private readonly opts: DirectorySourceOptions;
  constructor(opts: DirectorySourceOptions) {
    this.opts = opts;
    this.settleMs = opts.settleMs ?? 300;
    this.debouncer = new Debouncer(
      Math.max(20, Math.floor(this.settleMs / 3)),
      (at) => void this.runner.trigger(at),
    );
  }

  async start(onRevision: RevisionListener, onError: ErrorListener): Promise<void> {
    if (this.emitter.attached) throw new Error('source already started');
    this.emitter.attach(onRevision, onError);
    const { root } = this.opts;
    const watcher = watch(root, {
      ignoreInitial: true,
      awaitWriteFinish: {
        stabilityThreshold: this.settleMs,
        pollInterval: Math.max(10, Math.floor(this.settleMs / 5)),
      },
      ignored: (p: string, stats) => {
        if (p === root) return false;
        const name = basename(p);
        if (name === 'node_modules' || name.startsWith('.')) return true;
        return stats?.isFile() === true && !isSpecFile(name);
      },
    });
    watcher.on('all', () => this.debouncer.poke());
    watcher.on('error', (err) => this.emitter.error(toSourceError(err, 'io', `watching ${root}`)));
    this.watcher = watcher;
    await new Promise<void>((r) => watcher.once('ready', () => r()));
    await this.runner.trigger();
  }

  async refresh(): Promise<void> {
    await this.runner.trigger();
  }

  async stop(): Promise<void> {
    this.emitter.detach();
    this.debouncer.cancel();
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.runner.idle();
  }

  private async check(seenAt: number): Promise<void> {
    if (!this.emitter.attached) return;
    try {
      const snap = await readDirectorySnapshot(this.opts.root, this.settleMs);
      if (!snap.settled) {
        // something is still being written: look again once it had time to settle
        if (this.retry) clearTimeout(this.retry);
        this.retry = setTimeout(() => {
          this.retry = null;
          void this.runner.trigger(seenAt);
        }, this.settleMs);
        return;
      }
      if (snap.id === this.emitter.currentId) return this.emitter.ok();
      this.emitter.revision({ id: snap.id, files: snap.files, seenAt, source: this.opts.label });
    } catch (err) {
      this.emitter.error(toSourceError(err, 'io', `reading ${this.opts.root}`));
    }
  }
}
