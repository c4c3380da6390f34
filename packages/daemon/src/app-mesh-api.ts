/**
 * Wires @plexus/api into the daemon: reads answer from the applied revision (valid revision + ok outcome),
 * writes commit to the tracked branch of a local repository and wait until the daemon applied the commit.
 */
import * as fs from 'node:fs';
import {
  type ApiKey,
  type AppliedState,
  type ApplyState,
  createAppMeshApi,
  GitHistoryMetadata,
  type MetadataSource,
  type RepoTarget,
  RepoWriter,
  SeenMetadata,
} from '@plexus/api';
import { locateLocalRepo } from '@plexus/source';
import git from 'isomorphic-git';
import type { Logger } from 'pino';
import type { HttpMount } from './http.ts';
import type { Channels } from './messages.ts';
import type { DaemonOptions } from './options.ts';
import { RevisionOutcomes } from './revision-outcomes.ts';

/** `api:` settings (config file section `api`, `plexus run --api-keys`). */
export interface ApiOptions {
  keys?: ApiKey[];
  region?: string;
  accountId?: string;
  /** Folder, under the spec root, for resources created through the API (default `appmesh-api`). */
  newResourceDir?: string;
  /** How long a write waits for its commit to be applied before answering with `x-plexus-apply: pending`. */
  applyTimeoutMs?: number;
  rateLimit?: { perSecond?: number; burst?: number };
}

export const DEFAULT_API_REGION = 'us-east-1';
export const DEFAULT_API_ACCOUNT = '000000000000';

function subdirOf(path: string | undefined): string {
  return (path ?? '')
    .split(/[\\/]+/)
    .filter((p) => p && p !== '.')
    .join('/');
}

/** Where writes commit to, or why there is nowhere. */
async function repoTarget(options: DaemonOptions): Promise<RepoTarget | string> {
  if (!options.repo) return 'this daemon reads several sources; API writes need a single local repository';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(options.repo)) {
    return 'this daemon follows a remote repository; API writes need a local git repository (pushing is not implemented)';
  }
  if (options.tag || options.commit) return 'this daemon follows a tag or a pinned commit, not a branch';
  let local: ReturnType<typeof locateLocalRepo>;
  try {
    local = locateLocalRepo(options.repo);
  } catch (err) {
    return (err as Error).message;
  }
  if (local.kind === 'directory')
    return `${local.dir} is a plain directory (dev mode); API writes need a git repository`;
  const ref = options.branch
    ? `refs/heads/${options.branch}`
    : await git.currentBranch({ fs, gitdir: local.gitdir, fullname: true }).catch(() => undefined);
  if (!ref) return 'HEAD is detached: give --branch so API writes know where to commit';
  return {
    gitdir: local.gitdir,
    ref,
    subdir: subdirOf(options.path),
    ...(local.kind === 'worktree' ? { worktree: local.dir } : {}),
  };
}

export async function createApiMount(deps: {
  options: DaemonOptions;
  channels: Channels;
  logger: Logger;
  /** Asks the source to look for a new commit now (a write just made one). */
  refresh?: () => void;
}): Promise<HttpMount & { stop(): void; writer?: RepoWriter; target?: RepoTarget }> {
  const { options, channels, logger } = deps;
  const api = options.api ?? {};
  const [spec, iac] = await Promise.all([import('@plexus/spec'), import('@plexus/import')]);
  const readers = await iac.createImportReaders(options.import);
  // two loaders: one validates candidate revisions, one walks history; each keeps its own memo
  const candidates = spec.createSpecLoader({ readers });
  const history = spec.createSpecLoader({ readers });

  let applied: AppliedState | undefined;
  const waiters = new Set<{ commit: string; done: (s: ApplyState) => void }>();
  const valid = new RevisionOutcomes(channels, (outcome, v) => {
    if (outcome.ok && v) applied = { revision: v.revision, resources: v.resources };
    for (const w of waiters) if (w.commit === outcome.revision) w.done(outcome.ok ? 'applied' : 'failed');
  });

  const target = await repoTarget(options);
  const metadata: MetadataSource =
    typeof target === 'string'
      ? new SeenMetadata((rev) => valid.get(rev)?.resources)
      : new GitHistoryMetadata({
          gitdir: target.gitdir,
          subdir: target.subdir,
          load: (files) => history.loadFiles(files).resources,
        });
  const waitApplied = (commit: string, timeoutMs: number): Promise<ApplyState> => {
    if (applied?.revision === commit) return Promise.resolve('applied');
    return new Promise((resolve) => {
      const w = {
        commit,
        done: (s: ApplyState) => {
          clearTimeout(timer);
          waiters.delete(w);
          resolve(s);
        },
      };
      const timer = setTimeout(() => w.done('pending'), timeoutMs);
      waiters.add(w);
      deps.refresh?.();
    });
  };
  const writer =
    typeof target === 'string'
      ? undefined
      : new RepoWriter({
          repo: target,
          validate: (files) => candidates.loadAndValidate(files),
          formatDiagnostic: spec.formatDiagnostic,
          waitApplied,
          applyTimeoutMs: api.applyTimeoutMs,
        });
  const log = logger.child({ stage: 'api' });
  if (typeof target === 'string') log.info({ reason: target }, 'App Mesh API: reads only');
  const handler = createAppMeshApi({
    identity: { region: api.region ?? DEFAULT_API_REGION, accountId: api.accountId ?? DEFAULT_API_ACCOUNT },
    keys: api.keys ?? [],
    applied: () => applied,
    metadata,
    writer,
    writesOff: typeof target === 'string' ? target : undefined,
    newResourceDir: api.newResourceDir,
    rateLimit: api.rateLimit,
    log,
  });
  return {
    prefix: handler.prefix,
    handle: handler.handle,
    writer,
    ...(typeof target === 'string' ? {} : { target }),
    stop() {
      valid.stop();
      for (const w of [...waiters]) w.done('pending');
    },
  };
}
