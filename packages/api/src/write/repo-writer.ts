import {
  type CommitAuthor,
  commitFiles,
  type FileChange,
  GitTreeReader,
  HeadMovedError,
  readRef,
} from '@plexus/source';
import type { Diagnostic, LoadAndValidateResult, SourceFile, SpecResource } from '@plexus/spec';
import { ApiError, type ApiErrorCode } from '../errors.ts';

/** The branch writes go to. Paths of `FileChange`s a plan returns are relative to `subdir`. */
export interface RepoTarget {
  gitdir: string;
  /** Full ref, e.g. `refs/heads/main`. */
  ref: string;
  subdir: string;
  /** The work tree that has `ref` checked out (its files and index follow each commit). */
  worktree?: string;
}

/** The branch head a plan is computed on. */
export interface Head {
  commit: string;
  files: ReadonlyMap<string, string>;
  resources: SpecResource[];
}

export interface Planned {
  changes: FileChange[];
  /** The commit message: names the operation and the resource. */
  message: string;
  /** The error code for a candidate revision that does not validate (default BadRequestException). */
  refusal?: ApiErrorCode;
}

/** Computes a write's file changes on a head; throws ApiError (NotFound, Conflict, ...) to refuse it. */
export type Plan = (head: Head) => Planned;

export type ApplyState = 'applied' | 'failed' | 'pending';

export interface WriteOutcome {
  /** The head the plan was computed on, and the commit made on it. */
  base: Head;
  commit: string;
  resources: SpecResource[];
  apply: ApplyState;
}

export interface RepoWriterOptions {
  repo: RepoTarget;
  /** Loads and validates a whole candidate revision (the daemon's loaders: native, CLI JSON, CRD, IaC). */
  validate(files: SourceFile[]): LoadAndValidateResult;
  formatDiagnostic(d: Diagnostic): string;
  /** Resolves once the daemon applied `commit` (or failed it), or with 'pending' after `timeoutMs`. */
  waitApplied(commit: string, timeoutMs: number): Promise<ApplyState>;
  applyTimeoutMs?: number;
  /** Attempts on a moved head before answering ConflictException (default 5). */
  maxAttempts?: number;
}

const MAX_ERRORS = 10;

/**
 * Turns API writes into commits: a plan runs on the branch head, the whole candidate revision is validated,
 * and the commit lands only if the head did not move (compare-and-swap); on a moved head the plan runs again
 * on the new one. Writes of this process are serialised; other writers (git push, a second daemon) are
 * caught by the compare-and-swap.
 */
export class RepoWriter {
  readonly #o: RepoWriterOptions;
  readonly #reader: GitTreeReader;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(o: RepoWriterOptions) {
    this.#o = o;
    this.#reader = new GitTreeReader(o.repo.gitdir);
  }

  write(plan: Plan, author: CommitAuthor): Promise<WriteOutcome> {
    const run = this.#queue.then(() => this.#attempts(plan, author));
    this.#queue = run.catch(() => {});
    return run.then(async (done) => ({
      ...done,
      apply: await this.#o.waitApplied(done.commit, this.#o.applyTimeoutMs ?? 10_000),
    }));
  }

  /** The head as writes see it. */
  async head(): Promise<Head> {
    const { gitdir, ref, subdir } = this.#o.repo;
    await this.#reader.cache();
    const commit = await readRef(gitdir, ref);
    if (!commit) throw new ApiError('ServiceUnavailableException', `${ref} does not exist in ${gitdir}`);
    const list = await this.#reader.read(commit, subdir);
    const loaded = this.#o.validate(list);
    return { commit, files: new Map(list.map((f) => [f.path, f.content])), resources: loaded.resources };
  }

  async #attempts(plan: Plan, author: CommitAuthor): Promise<Omit<WriteOutcome, 'apply'>> {
    const max = this.#o.maxAttempts ?? 5;
    const { repo } = this.#o;
    for (let attempt = 1; ; attempt++) {
      const base = await this.head();
      const planned = plan(base);
      const files = new Map(base.files);
      for (const c of planned.changes) {
        if (c.content === null) files.delete(c.path);
        else files.set(c.path, c.content);
      }
      const list = [...files]
        .map(([path, content]) => ({ path, content }))
        .sort((a, b) => (a.path < b.path ? -1 : 1));
      const candidate = this.#o.validate(list);
      if (!candidate.ok) {
        const errors = candidate.diagnostics.filter((d) => d.severity === 'error');
        const shown = errors.slice(0, MAX_ERRORS).map((d) => this.#o.formatDiagnostic(d));
        if (errors.length > MAX_ERRORS) shown.push(`and ${errors.length - MAX_ERRORS} more`);
        throw new ApiError(
          planned.refusal ?? 'BadRequestException',
          `the change does not validate: ${shown.join('; ')}`,
        );
      }
      const prefix = repo.subdir ? `${repo.subdir}/` : '';
      try {
        const { commit } = await commitFiles({
          gitdir: repo.gitdir,
          ref: repo.ref,
          expectedHead: base.commit,
          changes: planned.changes.map((c) => ({
            path: `${prefix}${c.path}`,
            content: c.content,
            before: base.files.get(c.path) ?? null,
          })),
          author,
          message: planned.message,
          worktree: repo.worktree,
        });
        return { base, commit, resources: candidate.resources };
      } catch (err) {
        if (!(err instanceof HeadMovedError)) throw err;
        if (attempt >= max) {
          throw new ApiError('ConflictException', `the branch kept moving (${err.message}); retry the call`);
        }
      }
    }
  }
}
