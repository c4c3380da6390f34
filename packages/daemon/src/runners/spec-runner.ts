import type { Logger } from 'pino';
import { latestWins } from '../latest-value.ts';
import type { Channels, RevisionError } from '../messages.ts';
import { errorFromDiagnostics, errorFromException } from '../revision-error.ts';
import type { Runner } from '../runner.ts';
import type { CoreStages, SourceRevision } from '../stages.ts';

/** Loads and validates each revision; only a clean one moves on, a failing one becomes a failed outcome. */
export function createSpecRunner(stages: CoreStages, channels: Channels, log: Logger): Runner {
  const job = latestWins<SourceRevision>(
    async (rev) => {
      const rlog = log.child({ revision: rev.id });
      let result: ReturnType<CoreStages['loadAndValidate']>;
      try {
        result = stages.loadAndValidate(rev.files, { partial: false });
      } catch (err) {
        fail(rev, errorFromException(rev.id, 'load', err));
        return;
      }
      if (result.ok === false || result.diagnostics.some((d) => d.severity === 'error')) {
        const error = errorFromDiagnostics(rev.id, result.diagnostics, stages.formatDiagnostic);
        rlog.error({ errors: error.errors }, 'revision invalid; keeping the last good one');
        fail(rev, error);
        return;
      }
      rlog.info({ resources: result.resources.length }, 'revision valid');
      channels.valid.publish({ revision: rev.id, seenAt: rev.seenAt, resources: result.resources });
    },
    (err) => log.error({ err }, 'spec runner failed'),
  );
  const fail = (rev: SourceRevision, error: RevisionError) =>
    channels.outcomes.publish({ revision: rev.id, seenAt: rev.seenAt, ok: false, error });
  let unsubscribe = () => {};
  return {
    name: 'spec',
    start() {
      unsubscribe = channels.revisions.subscribe(job.push);
    },
    idle: job.idle,
    async stop() {
      unsubscribe();
      await job.idle();
    },
  };
}
