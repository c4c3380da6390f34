import type { Logger } from 'pino';
import type { Channels } from '../messages.ts';
import type { Runner } from '../runner.ts';
import type { Source } from '../stages.ts';

/** Publishes each revision the source reports. */
export function createSourceRunner(source: Source, channels: Channels, log: Logger): Runner {
  let stopped = false;
  return {
    name: 'source',
    async start() {
      await source.start(
        (rev) => {
          if (stopped) return;
          log.info({ revision: rev.id, files: rev.files.length }, 'revision seen');
          channels.revisions.publish(rev);
        },
        (err) => log.error({ err }, 'source error; keeping the last revision'),
      );
    },
    async refresh() {
      await source.refresh?.();
    },
    async stop() {
      stopped = true;
      await source.stop();
    },
  };
}
