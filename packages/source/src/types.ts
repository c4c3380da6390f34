import type { SourceFile } from '@plexus/spec';
import type { SourceError } from './errors.ts';

export type { SourceFile };

/** One snapshot of the spec files, as the spec stage will load it. */
export interface Revision {
  /** Commit SHA for git sources; a sha256 of the (path, content) list for plain directories. */
  id: string;
  /** Spec-like files (.yaml .yml .json), paths relative to the subdirectory root, sorted by path. */
  files: SourceFile[];
  /** Date.now() when the change was noticed (before the files were read). */
  seenAt: number;
  /** Full ref the revision came from (refs/heads/main, refs/tags/v1), absent for a pinned commit or a directory. */
  ref?: string;
  /** Human label: where the files came from, never with credentials. */
  source: string;
  /** Git sources: who made the commit and what it says (for the console's revision history). */
  commit?: CommitInfo;
}

export interface CommitInfo {
  /** `Name <email>` */
  author: string;
  /** First line of the message. */
  subject: string;
  /** Commit (author) time, ISO 8601. */
  time: string;
}

export type RevisionListener = (rev: Revision) => void;
export type ErrorListener = (err: SourceError) => void;

export interface Source {
  /**
   * Begins watching. Resolves once the watcher runs and the first check is done: its revision or error has
   * been delivered (a plain directory whose files are still being written delivers its first revision once
   * they settle). onRevision fires for the first revision and for every later change, never twice in a row
   * for the same id (moving back to an earlier commit is a change). Errors go to onError, repeats of the same
   * error only once; nothing throws out of the watcher.
   */
  start(onRevision: RevisionListener, onError: ErrorListener): Promise<void>;
  /** Stops watchers and timers; no callback fires after it resolves. */
  stop(): Promise<void>;
  /** Checks for a change now (remote: ls-remote then fetch if needed; local: re-reads the ref). */
  refresh?(): Promise<void>;
}

export interface SourceAuth {
  /** Name of an environment variable that holds the token. */
  tokenEnv?: string;
  /** Path of a file that holds the token (trailing whitespace trimmed). Read at each request, so rotation works. */
  tokenFile?: string;
  /** Basic-auth user name sent with the token (default x-access-token; GitLab accepts oauth2). */
  username?: string;
}

export interface SourceOptions {
  /** A local path (git work tree, bare repo or plain directory) or an https:// (http://) URL. */
  repo: string;
  branch?: string;
  tag?: string;
  commit?: string;
  /** Subdirectory inside the repository; revisions hold paths relative to it. */
  path?: string;
  /** Remote: how often to ls-remote (default 30 s, ±10 % jitter). Local git: backstop poll (default 5 s). */
  pollIntervalMs?: number;
  auth?: SourceAuth;
  /** Remote: where the shallow clone lives (default: <tmpdir>/plexus-source/<hash of url and ref>). */
  cacheDir?: string;
  /** Plain directory: quiet time before a change is applied and a file counts as fully written (default 300 ms). */
  settleMs?: number;
}
