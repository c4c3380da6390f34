import { type ChokidarOptions, type FSWatcher, watch } from 'chokidar';
import { Debouncer } from './batch.ts';
import { type SourceError, toSourceError } from './errors.ts';

export interface ChangeWatcherOptions {
  dir: string;
  /** chokidar options besides ignoreInitial, which is always on. */
  watch: ChokidarOptions;
  /** Quiet time that turns a burst of events into one change; 0 reports every event at once. */
  batchMs: number;
  /** Called once a burst is over, with the time of its first event. */
  onChange: (firstAt: number) => void;
  onError: (err: SourceError) => void;
}

/** A chokidar watcher over one directory; watcher failures are reported as 'io' errors. */
export class ChangeWatcher {
  private watcher: FSWatcher | null = null;
  private readonly debouncer: Debouncer;

  private readonly opts: ChangeWatcherOptions;
  constructor(opts: ChangeWatcherOptions) {
    this.opts = opts;
    this.debouncer = new Debouncer(opts.batchMs, opts.onChange);
  }

  /** Resolves once the initial scan is done: from then on every change is seen. */
  async open(): Promise<void> {
    const { dir, onError } = this.opts;
    const watcher = watch(dir, { ignoreInitial: true, ...this.opts.watch });
    watcher.on('all', () => (this.opts.batchMs > 0 ? this.debouncer.poke() : this.opts.onChange(Date.now())));
    watcher.on('error', (err) => onError(toSourceError(err, 'io', `watching ${dir}`)));
    this.watcher = watcher;
    await new Promise<void>((r) => watcher.once('ready', () => r()));
  }

  async close(): Promise<void> {
    this.debouncer.cancel();
    await this.watcher?.close();
    this.watcher = null;
  }
}
