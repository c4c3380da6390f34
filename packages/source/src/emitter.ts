import type { SourceError } from './errors.ts';
import type { ErrorListener, Revision, RevisionListener } from './types.ts';

/**
 * The one place a source hands things to its listeners: drops a revision whose id equals the last one
 * delivered, repeats of the same error until something else happened, everything after stop, and shields
 * the source from listeners that throw.
 */
export class RevisionEmitter {
  private lastId: string | null = null;
  private lastError: string | null = null;
  private onRevision: RevisionListener | null = null;
  private onError: ErrorListener | null = null;

  attach(onRevision: RevisionListener, onError: ErrorListener): void {
    this.onRevision = onRevision;
    this.onError = onError;
  }

  detach(): void {
    this.onRevision = null;
    this.onError = null;
  }

  get attached(): boolean {
    return this.onRevision !== null;
  }

  get currentId(): string | null {
    return this.lastId;
  }

  revision(rev: Revision): void {
    if (!this.onRevision || rev.id === this.lastId) return;
    this.lastId = rev.id;
    this.lastError = null;
    try {
      this.onRevision(rev);
    } catch {
      // a listener's failure is the listener's business; the watcher keeps going
    }
  }

  /** Called when a check found nothing new: the next error, even a repeat, is news again. */
  ok(): void {
    this.lastError = null;
  }

  error(err: SourceError): void {
    if (!this.onError) return;
    const key = `${err.code}:${err.message}`;
    if (key === this.lastError) return;
    this.lastError = key;
    try {
      this.onError(err);
    } catch {
      // as above
    }
  }
}
