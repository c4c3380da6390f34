import type { GitTarget } from './resolve-target.ts';

/** What the local and the remote git source both take: which commit to follow, where, and how often. */
export interface GitSourceOptions {
  target: GitTarget;
  /** Normalised subdirectory ('' = root). */
  subdir: string;
  /** Human label for revisions, never with credentials. */
  label: string;
  /** How often to look again (each source has its own default). */
  pollIntervalMs?: number;
}
