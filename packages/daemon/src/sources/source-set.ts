import type { Logger } from 'pino';
import type { LastGoodStore } from '../last-good.ts';
import type { RevisionError } from '../messages.ts';
import type { SourceConfig } from '../options.ts';
import { redactUrl } from '../redact-url.ts';
import type { Source, SourceRevision } from '../stages.ts';

/** One source of a multi-source daemon as `GET /api/v1/status` and `plexus status` show it. */
export interface SourceStatus {
  name: string;
  owner: string;
  /** Where it reads from, without credentials. */
  repo: string;
  revision: { applied: string | null; attempted: string | null; error: RevisionError | null };
  /** The last fetch/read failure (the source keeps its last revision), if the latest check failed. */
  fetchError?: string;
}

/** A configured source and its revisions: the one last known good, the one in the applied mesh, the newest. */
export class SourceState {
  readonly name: string;
  readonly owner: string;
  readonly config: SourceConfig;
  readonly source: Source;
  readonly log: Logger;
  readonly lastGood?: LastGoodStore;
  /** Its newest revision that validated with the others' last good ones. */
  good?: SourceRevision;
  applied: string | null = null;
  attempted: string | null = null;
  error: RevisionError | null = null;
  fetchError?: string;
  savedId?: string;

  constructor(config: SourceConfig, source: Source, log: Logger, lastGood?: LastGoodStore) {
    this.name = config.name;
    this.owner = config.owner ?? config.name;
    this.config = config;
    this.source = source;
    this.log = log;
    this.lastGood = lastGood;
  }

  status(): SourceStatus {
    return {
      name: this.name,
      owner: this.owner,
      repo: this.good?.source ?? redactUrl(this.config.repo),
      revision: { applied: this.applied, attempted: this.attempted, error: this.error },
      ...(this.fetchError ? { fetchError: this.fetchError } : {}),
    };
  }
}

/** Every source of the daemon, in configuration order. */
export class SourceSet {
  readonly states: SourceState[];
  constructor(states: SourceState[]) {
    this.states = states;
  }

  get(name: string): SourceState | undefined {
    return this.states.find((s) => s.name === name);
  }

  status(): SourceStatus[] {
    return this.states.map((s) => s.status());
  }

  /** The newest error of a source that is refused right now, or null when every source is applying. */
  outstandingError(): RevisionError | null {
    let newest: RevisionError | null = null;
    for (const s of this.states) if (s.error && (!newest || s.error.at >= newest.at)) newest = s.error;
    return newest;
  }
}
