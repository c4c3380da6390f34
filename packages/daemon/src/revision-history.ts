import type { ConvergedEvent } from './convergence.ts';
import type { Channels, RevisionError } from './messages.ts';

/** One revision as the console's history shows it. */
export interface RevisionRecord {
  revision: string;
  /** Multi-source daemons: the source whose commit it is, and that commit (a refused one's `revision` too). */
  source?: string;
  sourceRevision?: string;
  /** When the source noticed it (ISO 8601). */
  seenAt: string;
  author?: string;
  subject?: string;
  commitTime?: string;
  outcome: 'pending' | 'applied' | 'refused';
  /** Refused: every error as `file:line:col: Kind mesh/name: field.path: message`, and the stage. */
  error?: RevisionError;
  /** Applied: proxies whose config changed, and those whose endpoints alone changed. */
  changedProxies?: string[];
  endpointOnlyProxies?: string[];
  /** Applied: ms from seen to every affected connected proxy ACKing it (absent until then). */
  convergedMs?: number;
  /** Applied: the proxies that ACKed it. */
  convergedProxies?: number;
}

/**
 * The last `limit` revisions the daemon saw, newest first, with their outcome and convergence; fed by the
 * revision and outcome channels and the status store's converged events.
 */
export class RevisionHistory {
  readonly #records: RevisionRecord[] = [];
  readonly #limit: number;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(limit = 100) {
    this.#limit = limit;
  }

  track(
    channels: Channels,
    converged: { on(e: 'converged', l: (e: ConvergedEvent) => void): unknown },
  ): void {
    this.#unsubscribe.push(
      channels.revisions.subscribe((rev) => {
        if (this.#find(rev.id)?.outcome === 'pending') return;
        this.#records.unshift({
          revision: rev.id,
          seenAt: new Date(rev.seenAt).toISOString(),
          ...(rev.change?.source ? { source: rev.change.source, sourceRevision: rev.change.revision } : {}),
          ...(rev.commit
            ? { author: rev.commit.author, subject: rev.commit.subject, commitTime: rev.commit.time }
            : {}),
          outcome: 'pending',
        });
        this.#records.splice(this.#limit);
        this.#changed();
      }),
      channels.outcomes.subscribe((o) => {
        const r = this.#find(o.revision);
        if (!r && !o.ok && o.error.source) {
          // A source's commit refused before it could join a union: it never went down the pipeline.
          this.#records.unshift({
            revision: o.error.revision,
            source: o.error.source,
            sourceRevision: o.error.revision,
            seenAt: new Date(o.seenAt).toISOString(),
            ...(o.commit
              ? { author: o.commit.author, subject: o.commit.subject, commitTime: o.commit.time }
              : {}),
            outcome: 'refused',
            error: o.error,
          });
          this.#records.splice(this.#limit);
          this.#changed();
          return;
        }
        if (!r) return;
        if (o.ok) {
          r.outcome = 'applied';
          r.changedProxies = o.pushed;
          r.endpointOnlyProxies = o.endpointPushes;
          delete r.error;
        } else {
          r.outcome = 'refused';
          r.error = o.error;
        }
        this.#changed();
      }),
    );
    converged.on('converged', (e) => {
      const r = this.#find(e.revision);
      if (!r || r.convergedMs !== undefined) return;
      r.convergedMs = e.ms;
      r.convergedProxies = e.proxies.length;
      this.#changed();
    });
  }

  #find(revision: string): RevisionRecord | undefined {
    return this.#records.find((r) => r.revision === revision);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  /** Newest first; with `source`, only that source's commits. */
  list(source?: string): RevisionRecord[] {
    return this.#records.filter((r) => !source || r.source === source).map((r) => ({ ...r }));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}
