import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Channels } from './messages.ts';
import type { SourceRevision } from './stages.ts';

const FILE = 'last-good-revision.json';

/**
 * Keeps the files of the last applied revision in a state directory, so a restarted daemon serves them again
 * even when the branch's HEAD is now broken (or the remote is unreachable).
 */
export class LastGoodStore {
  readonly #recent = new Map<string, SourceRevision>();
  readonly #unsubscribe: Array<() => void> = [];

  private readonly dir: string;
  private readonly log: Logger;
  private readonly file: string;
  /** `file`: one store per source of a multi-source daemon (`source-<name>.json`). */
  constructor(dir: string, log: Logger, file = FILE) {
    this.dir = dir;
    this.log = log;
    this.file = file;
  }

  load(): SourceRevision | undefined {
    try {
      const rev = JSON.parse(readFileSync(join(this.dir, this.file), 'utf8')) as SourceRevision;
      if (typeof rev.id === 'string' && Array.isArray(rev.files)) return { ...rev, seenAt: Date.now() };
    } catch {
      // none yet, or unreadable: start from the source alone
    }
    return undefined;
  }

  /** Remembers revisions as they are seen and saves each one that applies. */
  track(channels: Channels): void {
    this.#unsubscribe.push(
      channels.revisions.subscribe((rev) => {
        this.#recent.set(rev.id, rev);
        if (this.#recent.size > 8) this.#recent.delete(this.#recent.keys().next().value!);
      }),
      channels.outcomes.subscribe((o) => {
        const rev = o.ok ? this.#recent.get(o.revision) : undefined;
        if (rev) this.save(rev);
      }),
    );
  }

  stop(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }

  save(rev: SourceRevision): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const tmp = join(this.dir, `${this.file}.tmp`);
      writeFileSync(tmp, JSON.stringify({ id: rev.id, files: rev.files, source: rev.source }));
      renameSync(tmp, join(this.dir, this.file));
    } catch (err) {
      this.log.warn({ revision: rev.id, err }, 'could not save the last good revision');
    }
  }
}
