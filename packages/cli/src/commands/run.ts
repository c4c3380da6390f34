import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_LISTEN, DEFAULT_XDS_LISTEN, startDaemon } from '@plexus/daemon';
import type { Command } from '../main.ts';

const usage = `usage: plexus run --repo PATH|URL [--branch B] [--path SUBDIR] [--xds-listen HOST:PORT]
                   [--http-listen HOST:PORT] [--plugin PKG]... [--poll-interval MS] [--webhook-secret S]
                   [--state-dir DIR]

Runs the reconciler: every commit of the repo's branch is validated, translated and served over xDS (ADS).
A bad commit is never pushed; the last good one keeps serving. Defaults: --xds-listen ${DEFAULT_XDS_LISTEN},
--http-listen ${DEFAULT_HTTP_LISTEN} (GET /healthz /readyz /metrics /api/v1/status, POST /webhook).
A local git work tree tracks the branch's committed HEAD; a plain directory is watched file by file.
--plugin loads a discovery plugin package (exporting an inversify ContainerModule) besides the built-ins.
--state-dir keeps the last applied revision's files, so a restart serves it again even if HEAD is broken.`;

export const command: Command = {
  summary: 'run the reconciler daemon (Git → validate → xDS)',
  usage,
  async run(argv) {
    let values: ReturnType<typeof parse>['values'];
    try {
      ({ values } = parse(argv));
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (!values.repo) {
      console.error(`plexus run: --repo is required\n${usage}`);
      return 2;
    }
    const pollIntervalMs = values['poll-interval'] ? Number(values['poll-interval']) : undefined;
    let daemon: Awaited<ReturnType<typeof startDaemon>>;
    try {
      daemon = await startDaemon({
        repo: values.repo,
        branch: values.branch,
        path: values.path,
        xdsListen: values['xds-listen'],
        httpListen: values['http-listen'],
        plugins: values.plugin ?? [],
        pollIntervalMs,
        stateDir: values['state-dir'],
        webhookSecret: values['webhook-secret'] ?? process.env.PLEXUS_WEBHOOK_SECRET,
      });
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}`);
      return 1;
    }
    return new Promise<number>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        daemon.stop().then(
          () => resolve(0),
          (err) => {
            console.error(`plexus run: shutdown: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  },
};

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      repo: { type: 'string' },
      branch: { type: 'string' },
      path: { type: 'string' },
      'xds-listen': { type: 'string' },
      'http-listen': { type: 'string' },
      plugin: { type: 'string', multiple: true },
      'poll-interval': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'state-dir': { type: 'string' },
    },
    strict: true,
  });
}
