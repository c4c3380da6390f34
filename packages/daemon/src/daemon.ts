import type { Server } from 'node:http';
import { createConsole, type WebConsole } from '@plexus/console';
import { createTelemetry, TELEMETRY_HTTP_PREFIX, type Telemetry } from '@plexus/telemetry';
import type { Container } from 'inversify';
import { type Logger, pino } from 'pino';
import { createApiMount } from './app-mesh-api.ts';
import { createConsoleSource } from './console-source.ts';
import { createDaemonContainer, registerPluginKeys } from './container.ts';
import { loadCoreStages, loadXdsFactory } from './core-stages.ts';
import { createHttpHandler, type HttpMount, listenHttp } from './http.ts';
import { httpGuard } from './http-guard.ts';
import { LastGoodStore } from './last-good.ts';
import { loginRoutes } from './login-http.ts';
import { type meshCaIssuer, startMeshCa } from './mesh-ca.ts';
import type { Channels } from './messages.ts';
import type { DaemonMetrics } from './metrics.ts';
import { type DaemonOptions, DEFAULT_HTTP_LISTEN } from './options.ts';
import { BUILTIN_PLUGINS, importPluginModules } from './plugins.ts';
import type { ProxyRevisions } from './proxy-revisions.ts';
import { redactUrl } from './redact-url.ts';
import { RevisionHistory } from './revision-history.ts';
import { wireRollouts } from './rollouts.ts';
import type { Runner } from './runner.ts';
import type { CoreStages, Discovery, XdsServer } from './stages.ts';
import type { StatusStore } from './status.ts';
import { telemetryAuthorizer } from './telemetry-authorizer.ts';
import { resolveTelemetry } from './telemetry-options.ts';
import { TOKENS } from './tokens.ts';
import {
  checkPlaintextListener,
  prepareXdsSecurity,
  type XdsSecurity,
  xdsListenAddress,
} from './xds-security.ts';

export interface Daemon {
  httpPort: number;
  xdsPort: number;
  status: StatusStore;
  channels: Channels;
  container: Container;
  /** Mesh telemetry (undefined when off). */
  telemetry?: Telemetry;
  /** Revisions seen, newest first, with outcome and convergence (what the console's history shows). */
  history: RevisionHistory;
  /** The mesh CA's certificates (undefined without a `ca` section). */
  meshCertificates?: import('@plexus/ca').MeshCertificates;
  /** Resolves once every runner has finished the work in flight. */
  idle(): Promise<void>;
  /** Stops taking changes, drains xDS streams, closes HTTP. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the reconciler: HTTP first (so /healthz answers), then xDS, then runners back to front, source last. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const logger: Logger = options.logger ?? pino({ name: 'plexus' });
  const plaintextWarning = checkPlaintextListener(options);
  if (plaintextWarning) logger.warn(plaintextWarning);
  await prepareXdsSecurity(options);
  const meshCa = await startMeshCa(options, logger);
  const real = options.overrides?.stages
    ? await loadCoreStages(options.import).catch(() => ({}) as Partial<CoreStages>)
    : await loadCoreStages(options.import);
  const stages = { ...real, ...options.overrides?.stages } as CoreStages;
  const createXds = options.overrides?.createXds ?? (await loadXdsFactory());
  const pluginModules = options.overrides?.discoveryPlugins
    ? []
    : await importPluginModules(options.builtinPlugins ?? BUILTIN_PLUGINS, options.plugins ?? [], logger);
  const container = createDaemonContainer({ options, logger, stages, createXds, pluginModules, meshCa });
  const undoKeys = registerPluginKeys(container, logger);

  const status = container.get<StatusStore>(TOKENS.Status);
  const metrics = container.get<DaemonMetrics>(TOKENS.Metrics);
  const xds = container.get<XdsServer>(TOKENS.Xds);
  const security = container.get<XdsSecurity>(TOKENS.XdsSecurity);
  const channels = container.get<Channels>(TOKENS.Channels);
  const runners = container.get<Runner[]>(TOKENS.Runners);
  if (!options.repo && !options.sources?.length) throw new Error('no source: give repo or sources');
  const webhook = stages.createWebhookHandler?.({
    secret: options.webhookSecret,
    onTrigger: () => void runners[0]?.refresh?.(),
  });

  const mounts: HttpMount[] = [];
  const t = resolveTelemetry(options);
  let telemetry: Telemetry | undefined;
  if (t.enabled && xds.addService) {
    telemetry = createTelemetry({
      maxEdges: t.maxEdges,
      expireAfterMs: t.expireAfterMs,
      authorize: telemetryAuthorizer(xds),
      onRefused: (node, r) => logger.warn({ node, code: r.code }, `access log stream refused: ${r.reason}`),
    });
    xds.addService(telemetry.accessLogService.definition, telemetry.accessLogService.handlers);
    telemetry.registerMetrics(metrics.registry);
    metrics.textSources.push(telemetry.prometheusText);
    const tel = telemetry;
    mounts.push({
      prefix: TELEMETRY_HTTP_PREFIX,
      handle: (req, res) => {
        if (!tel.handleHttp(req, res)) {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('not found\n');
        }
      },
    });
  }
  const history = new RevisionHistory();
  history.track(channels, status);
  let web: WebConsole | undefined;
  let consoleSource: ReturnType<typeof createConsoleSource> | undefined;
  if (options.console?.enabled !== false) {
    consoleSource = createConsoleSource({
      channels,
      xds,
      status,
      discovery: container.get<Discovery>(TOKENS.Discovery),
      revisions: container.get<ProxyRevisions>(TOKENS.ProxyRevisions),
      history,
      telemetry,
    });
    web = createConsole(consoleSource, {
      errorThreshold: options.console?.errorThreshold,
      tickMs: options.console?.tickMs,
    });
    mounts.push(...web.mounts);
  }

  const api = await createApiMount({
    options,
    channels,
    logger,
    refresh: () => void runners[0]?.refresh?.(),
  });
  mounts.push(api);
  const rollouts = wireRollouts({ channels, api, telemetry, logger, tickMs: options.rolloutTickMs });
  const controller = rollouts.controller;
  if (controller) status.rollouts = () => controller.status();

  const http = await listenHttp(
    createHttpHandler({
      status,
      metrics,
      webhook,
      mounts,
      log: logger,
      guard: httpGuard(options.httpListen ?? DEFAULT_HTTP_LISTEN, security.admin),
      routes: loginRoutes(options, security.trustDomain, logger.child({ stage: 'login' })),
    }),
    options.httpListen ?? DEFAULT_HTTP_LISTEN,
  );
  let xdsPort: number;
  try {
    xdsPort = await xds.listen(xdsListenAddress(options));
  } catch (err) {
    security.close();
    await closeHttp(http.server);
    throw err;
  }
  status.start();
  const bound = security.discoveryBound;
  if (bound) {
    // a discovery-bound stream whose address stops being one of its node's endpoints ends
    container
      .get<Discovery>(TOKENS.Discovery)
      .onChange(() =>
        xds.recheck?.((identity, ctx) =>
          identity.method === 'discovery' ? bound.recheck(identity.proxyKey, ctx.peerAddress) : undefined,
        ),
      );
  }
  const [sourceRunner, ...pipeline] = runners;
  for (const r of [...pipeline].reverse()) await r.start();
  // Several sources keep a last good revision each (sources/sources-runner.ts).
  const lastGood =
    options.stateDir && !options.sources ? new LastGoodStore(options.stateDir, logger) : undefined;
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
  logger.info(
    {
      http: http.port,
      xds: xdsPort,
      xdsTls: Boolean(security.credentials),
      identityRequired: security.required,
      ...(options.sources
        ? { sources: options.sources.map((s) => `${s.name}=${redactUrl(s.repo)}`) }
        : { repo: redactUrl(options.repo ?? '') }),
    },
    'plexus daemon started',
  );

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
    telemetry,
    history,
    meshCertificates: container.get<ReturnType<typeof meshCaIssuer> | null>(TOKENS.MeshCa)?.certificates,
    idle,
    stop() {
      stopping ??= (async () => {
        logger.info('stopping: no more changes, draining xDS streams');
        for (const r of runners) await r.stop();
        container.get<ReturnType<typeof meshCaIssuer> | null>(TOKENS.MeshCa)?.stop();
        status.stop();
        lastGood?.stop();
        rollouts.stop();
        api.stop();
        web?.stop();
        consoleSource?.stop();
        history.stop();
        telemetry?.stop();
        await xds.shutdown(options.drainMs ?? 2000);
        security.close();
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
