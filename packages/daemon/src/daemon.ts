import type { Server } from 'node:http';
import type { Container } from 'inversify';
import { type Logger, pino } from 'pino';
import { createDaemonContainer, registerPluginKeys } from './container.ts';
import { loadCoreStages, loadXdsFactory } from './core-stages.ts';
import { createHttpHandler, listenHttp } from './http.ts';
import { LastGoodStore } from './last-good.ts';
import type { Channels } from './messages.ts';
import type { DaemonMetrics } from './metrics.ts';
import { type DaemonOptions, DEFAULT_HTTP_LISTEN, DEFAULT_XDS_LISTEN } from './options.ts';
import { BUILTIN_PLUGINS, importPluginModules } from './plugins.ts';
import { redactUrl } from './redact-url.ts';
import type { Runner } from './runner.ts';
import type { CoreStages, Source, XdsServer } from './stages.ts';
import type { StatusStore } from './status.ts';
import { TOKENS } from './tokens.ts';

export interface Daemon {
  httpPort: number;
  xdsPort: number;
  status: StatusStore;
  channels: Channels;
  container: Container;
  /** Resolves once every runner has finished the work in flight. */
  idle(): Promise<void>;
  /** Stops taking changes, drains xDS streams, closes HTTP. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the reconciler: HTTP first (so /healthz answers), then xDS, then runners back to front, source last. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const logger: Logger = options.logger ?? pino({ name: 'plexus' });
  const real = options.overrides?.stages
    ? await loadCoreStages().catch(() => ({}) as Partial<CoreStages>)
    : await loadCoreStages();
  const stages = { ...real, ...options.overrides?.stages } as CoreStages;
  const createXds = options.overrides?.createXds ?? (await loadXdsFactory());
  const pluginModules = options.overrides?.discoveryPlugins
    ? []
    : await importPluginModules(options.builtinPlugins ?? BUILTIN_PLUGINS, options.plugins ?? [], logger);
  const container = createDaemonContainer({ options, logger, stages, createXds, pluginModules });
  const undoKeys = registerPluginKeys(container, logger);

  const status = container.get<StatusStore>(TOKENS.Status);
  const metrics = container.get<DaemonMetrics>(TOKENS.Metrics);
  const xds = container.get<XdsServer>(TOKENS.Xds);
  const channels = container.get<Channels>(TOKENS.Channels);
  const runners = container.get<Runner[]>(TOKENS.Runners);
  const source = container.get<Source>(TOKENS.Source);
  const webhook = stages.createWebhookHandler?.({
    secret: options.webhookSecret,
    onTrigger: () => void source.refresh?.(),
  });

  const http = await listenHttp(
    createHttpHandler({ status, metrics, webhook, log: logger }),
    options.httpListen ?? DEFAULT_HTTP_LISTEN,
  );
  let xdsPort: number;
  try {
    xdsPort = await xds.listen(options.xdsListen ?? DEFAULT_XDS_LISTEN);
  } catch (err) {
    await closeHttp(http.server);
    throw err;
  }
  status.start();
  const [sourceRunner, ...pipeline] = runners;
  for (const r of [...pipeline].reverse()) await r.start();
  const lastGood = options.stateDir ? new LastGoodStore(options.stateDir, logger) : undefined;
  const restored = lastGood?.load();
  if (restored) {
    logger.info({ revision: restored.id }, 'restoring the last good revision before reading the source');
    channels.revisions.publish(restored);
    for (const r of pipeline) await r.idle?.();
  }
  lastGood?.track(channels);
  await sourceRunner!.start();
  if (webhook && !options.webhookSecret) {
    logger.warn(
      { http: http.port },
      'POST /webhook accepts unsigned deliveries (anyone who reaches the HTTP listener can trigger a fetch): set a webhook secret',
    );
  }
  logger.info({ http: http.port, xds: xdsPort, repo: redactUrl(options.repo) }, 'plexus daemon started');

  let stopping: Promise<void> | undefined;
  const idle = async () => {
    for (const r of runners) await r.idle?.();
  };
  return {
    httpPort: http.port,
    xdsPort,
    status,
    channels,
    container,
    idle,
    stop() {
      stopping ??= (async () => {
        logger.info('stopping: no more changes, draining xDS streams');
        for (const r of runners) await r.stop();
        status.stop();
        lastGood?.stop();
        await xds.shutdown(options.drainMs ?? 2000);
        await closeHttp(http.server);
        undoKeys();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

async function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}
