import { SerialRunner } from './batch.ts';
import { RevisionEmitter } from './emitter.ts';
import type { ErrorListener, RevisionListener, Source } from './types.ts';

/**
 * The lifecycle every source shares: one emitter for its listeners, checks run one at a time, and a stop that
 * detaches the listeners, cancels a planned re-check, closes what the subclass opened and then waits for a
 * check under way. A subclass supplies check() and, if it watches something, open() and close().
 */
export abstract class SourceBase implements Source {
  protected readonly emitter = new RevisionEmitter();
  protected readonly runner = new SerialRunner((seenAt) => this.check(seenAt));
  private recheck: NodeJS.Timeout | null = null;

  async start(onRevision: RevisionListener, onError: ErrorListener): Promise<void> {
    if (this.emitter.attached) throw new Error('source already started');
    this.emitter.attach(onRevision, onError);
    await this.open();
    await this.runner.trigger();
  }

  async refresh(): Promise<void> {
    await this.runner.trigger();
  }

  async stop(): Promise<void> {
    this.emitter.detach();
    this.cancelCheckLater();
    await this.close();
    await this.runner.idle();
  }

  /** One look at the source, reported through the emitter; never throws. */
  protected abstract check(seenAt: number): Promise<void>;

  /** Runs before the first check, e.g. a watcher that must be ready so that no change is missed. */
  protected async open(): Promise<void> {}

  /** Releases what open() set up; the checks are drained after it. */
  protected async close(): Promise<void> {}

  /** Plans one more check in `delayMs`, in place of one already planned. */
  protected checkLater(delayMs: number, seenAt?: number): void {
    this.cancelCheckLater();
    this.recheck = setTimeout(() => {
      this.recheck = null;
      void this.runner.trigger(seenAt);
    }, delayMs);
  }

  protected cancelCheckLater(): void {
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = null;
  }
}
