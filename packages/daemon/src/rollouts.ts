/**
 * Wires the rollout controller into the daemon: Rollouts come from the applied revision, steps commit through
 * the App Mesh API's writer (local git branch), gates read the mesh telemetry, state resumes from `git log`.
 */
import * as fs from 'node:fs';
import type { RepoTarget, RepoWriter } from '@plexus/api';
import { RolloutController } from '@plexus/rollout';
import { routeTargetWindow, type Telemetry } from '@plexus/telemetry';
import git from 'isomorphic-git';
import type { Logger } from 'pino';
import type { Channels } from './messages.ts';
import { RevisionOutcomes } from './revision-outcomes.ts';

const HISTORY_DEPTH = 200;

export interface RolloutWiring {
  /** Undefined when Rollouts cannot run here (rolloutsUnavailable says why, in the log). */
  controller?: RolloutController;
  stop(): void;
}

/** Why rollouts cannot run on this daemon, or undefined when they can. */
export function rolloutsUnavailable(
  writer: RepoWriter | undefined,
  telemetry: Telemetry | undefined,
): string | undefined {
  if (!writer) return 'Rollouts need API writes (a local git branch)';
  if (!telemetry) return 'Rollouts need mesh telemetry for their gates (telemetry is off)';
  return undefined;
}

/** Starts the controller when the daemon can commit and has telemetry; otherwise says once why Rollouts wait. */
export function wireRollouts(deps: {
  channels: Channels;
  api: { writer?: RepoWriter; target?: RepoTarget };
  telemetry: Telemetry | undefined;
  logger: Logger;
  tickMs?: number;
}): RolloutWiring {
  const { writer, target } = deps.api;
  const why = rolloutsUnavailable(writer, deps.telemetry);
  if (!why && writer && target && deps.telemetry) {
    return startRollouts({ ...deps, writer, target, telemetry: deps.telemetry });
  }
  let warned = false;
  const stop = deps.channels.valid.subscribe((v) => {
    const r = v.resources.find((x) => x.kind === 'Rollout');
    if (!r || warned) return;
    warned = true;
    deps.logger.warn({ rollout: `${r.mesh}/${r.name}` }, `Rollout ${r.mesh}/${r.name} does not run: ${why}`);
  });
  return { stop };
}

export function startRollouts(deps: {
  channels: Channels;
  writer: RepoWriter;
  target: RepoTarget;
  telemetry: Telemetry;
  logger: Logger;
  tickMs?: number;
}): Required<RolloutWiring> {
  const { channels, writer, target, telemetry } = deps;
  const log = deps.logger.child({ stage: 'rollout' });
  const controller = new RolloutController({
    write: (plan, author) => writer.write(plan, author),
    history: async () =>
      (await git.log({ fs, gitdir: target.gitdir, ref: target.ref, depth: HISTORY_DEPTH })).map((c) => ({
        commit: c.oid,
        message: c.commit.message,
      })),
    telemetry: (ref, seconds) => routeTargetWindow(telemetry.store, ref, seconds),
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m) },
    tickMs: deps.tickMs,
  });
  const outcomes = new RevisionOutcomes(channels, (outcome, v) => {
    if (outcome.ok && v) controller.update(v.resources);
  });
  controller.start();
  return {
    controller,
    stop() {
      controller.stop();
      outcomes.stop();
    },
  };
}
