import { basename } from 'node:path';
import { ChangeWatcher } from '../change-watcher.ts';
import { toSourceError } from '../errors.ts';
import { SourceBase } from '../source-base.ts';
import { isSpecFile } from '../spec-files.ts';
import { withDefaults } from '../with-defaults.ts';
import { readDirectorySnapshot } from './read-directory.ts';

export interface DirectorySourceOptions {
  /** Absolute directory to read (the subdirectory already joined). */
  root: string;
  label: string;
  /** Quiet time before a change is applied; a file counts as written once unchanged this long (default 300 ms). */
  settleMs?: number;
}

const DEFAULTS = { settleMs: 300 };

/**
 * Dev mode: a plain directory watched file by file. Bursts of writes become one revision, and a file still
 * being written is never read half-done (chokidar's awaitWriteFinish, then a stat-checked snapshot read).
 */
export class DirectorySource extends SourceBase {
  private readonly changes: ChangeWatcher;

  private readonly opts: DirectorySourceOptions & typeof DEFAULTS;
  constructor(opts: DirectorySourceOptions) {
    super();
    this.opts = withDefaults(opts, DEFAULTS);
    const { root, settleMs } = this.opts;
    this.changes = new ChangeWatcher({
      dir: root,
      watch: {
        awaitWriteFinish: {
          stabilityThreshold: settleMs,
          pollInterval: Math.max(10, Math.floor(settleMs / 5)),
        },
        ignored: (p: string, stats) => {
          if (p === root) return false;
          const name = basename(p);
          if (name === 'node_modules' || name.startsWith('.')) return true;
          return stats?.isFile() === true && !isSpecFile(name);
        },
      },
      batchMs: Math.max(20, Math.floor(settleMs / 3)),
      onChange: (at) => void this.runner.trigger(at),
      onError: (err) => this.emitter.error(err),
    });
  }

  protected override open(): Promise<void> {
    return this.changes.open();
  }

  protected override close(): Promise<void> {
    return this.changes.close();
  }

  protected async check(seenAt: number): Promise<void> {
    if (!this.emitter.attached) return;
    const { root, settleMs, label } = this.opts;
    try {
      const snap = await readDirectorySnapshot(root, settleMs);
      // something is still being written: look again once it had time to settle
      // still being written: look again once it settles, unless stop() came while reading
      if (!snap.settled) return this.emitter.attached ? this.checkLater(settleMs, seenAt) : undefined;
      if (snap.id === this.emitter.currentId) return this.emitter.ok();
      this.emitter.revision({ id: snap.id, files: snap.files, seenAt, source: label });
    } catch (err) {
      this.emitter.error(toSourceError(err, 'io', `reading ${root}`));
    }
  }
}
