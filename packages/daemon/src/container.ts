import { DiscoveryPluginToken, registerDiscoveryPluginKeys } from '@plexus/plugin-api';
import { Container, type ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import { createDiscovery } from './discovery.ts';
import { ConnectedLocalities, zoneKeyOf } from './localities.ts';
import { meshCaIssuer, type StartedMeshCa, withMeshCa } from './mesh-ca.ts';
import { type Channels, createChannels } from './messages.ts';
import { createMetrics, type DaemonMetrics } from './metrics.ts';
import type { DaemonOptions } from './options.ts';
import { ProxyRevisions } from './proxy-revisions.ts';
import type { Runner } from './runner.ts';
import { createDiscoveryRunner } from './runners/discovery-runner.ts';
import { createGraphRunner } from './runners/graph-runner.ts';
import { createSourceRunner } from './runners/source-runner.ts';
import { createSpecRunner } from './runners/spec-runner.ts';
import { createTranslateRunner } from './runners/translate-runner.ts';
import { createXdsRunner } from './runners/xds-runner.ts';
import { createSourceSet } from './sources/create-source-set.ts';
import type { SourceSet } from './sources/source-set.ts';
import { createSourcesRunner } from './sources/sources-runner.ts';
import type { CoreStages, CreateXdsServer, Discovery, Source, XdsServer } from './stages.ts';
import { StatusStore } from './status.ts';
import { resolveTelemetry, withTelemetry } from './telemetry-options.ts';
import { TOKENS } from './tokens.ts';
import { createXdsSecurity, type XdsSecurity } from './xds-security.ts';

export interface CompositionInputs {
  options: DaemonOptions;
  logger: Logger;
  stages: CoreStages;
  createXds: CreateXdsServer;
  pluginModules: ContainerModule[];
  /** The mesh CA, when the `ca` section is set (started before the container). */
  meshCa?: StartedMeshCa;
}

/** xDS node → proxy key, from `node.id` or else `node.cluster` (DESIGN.md "Node identity"). */
export function proxyResolver(stages: CoreStages) {
  return (node: { id?: string; cluster?: string }): string | { error: string } => {
    for (const id of [node.id, node.cluster]) {
      const ref = id ? stages.parseProxyId(id) : null;
      if (ref) return stages.proxyKey(ref);
    }
    return {
      error: `node id '${node.id ?? ''}' (cluster '${node.cluster ?? ''}') names no proxy: expected mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or an App Mesh ARN`,
    };
  };
}

/** The composition root: every service of the daemon, bound by token, singletons. */
export function createDaemonContainer(inputs: CompositionInputs): Container {
  const { options, logger, stages } = inputs;
  const c = new Container({ defaultScope: 'Singleton' });
  c.load(...inputs.pluginModules);
  c.bind(TOKENS.Options).toConstantValue(options);
  c.bind(TOKENS.Logger).toConstantValue(logger);
  c.bind(TOKENS.Stages).toConstantValue(stages);
  c.bind(TOKENS.Metrics).toDynamicValue(() => createMetrics());
  c.bind(TOKENS.Channels).toDynamicValue(() => createChannels());
  c.bind(TOKENS.ProxyRevisions).toDynamicValue(() => new ProxyRevisions());
  c.bind(TOKENS.Sources).toDynamicValue(() => createSourceSet(options, stages, logger));
  c.bind(TOKENS.Source).toDynamicValue(
    () =>
      options.overrides?.source ??
      stages.createSource({
        repo: options.repo ?? '',
        branch: options.branch,
        tag: options.tag,
        commit: options.commit,
        path: options.path,
        pollIntervalMs: options.pollIntervalMs,
        auth: options.auth,
        cacheDir: options.cacheDir,
      }),
  );
  c.bind(TOKENS.XdsSecurity).toDynamicValue((ctx) =>
    createXdsSecurity(options, logger, (mesh, node) => {
      const set = ctx.get<Discovery>(TOKENS.Discovery).current().get(`${mesh}/${node}`);
      return (set?.endpoints ?? []).map((e) => e.address);
    }),
  );
  c.bind(TOKENS.Xds).toDynamicValue((ctx) => {
    const security = ctx.get<XdsSecurity>(TOKENS.XdsSecurity);
    return inputs.createXds({
      resolveProxy: proxyResolver(stages),
      localityKeyOf: zoneKeyOf,
      logger: logger.child({ stage: 'xds' }),
      authorize: security.authorize,
      authorizeAdmin: security.authorizeAdmin,
      credentials: security.credentials,
    });
  });
  c.bind(TOKENS.Discovery).toDynamicValue((ctx) => {
    if (options.overrides?.discovery) return options.overrides.discovery;
    const plugins =
      options.overrides?.discoveryPlugins ??
      (c.isBound(DiscoveryPluginToken) ? ctx.getAll(DiscoveryPluginToken) : []);
    return createDiscovery(plugins, options.discoverySettings ?? {}, logger);
  });
  c.bind(TOKENS.Status).toDynamicValue(
    (ctx) =>
      new StatusStore(
        ctx.get<Channels>(TOKENS.Channels),
        ctx.get<XdsServer>(TOKENS.Xds),
        ctx.get<Discovery>(TOKENS.Discovery),
        ctx.get<DaemonMetrics>(TOKENS.Metrics),
        ctx.get<ProxyRevisions>(TOKENS.ProxyRevisions),
        logger,
        options.sources ? ctx.get<SourceSet>(TOKENS.Sources) : undefined,
      ),
  );
  c.bind(TOKENS.MeshCa).toDynamicValue((ctx) =>
    inputs.meshCa
      ? meshCaIssuer(
          inputs.meshCa,
          ctx.get<XdsServer>(TOKENS.Xds),
          stages,
          ctx.get<Channels>(TOKENS.Channels),
          logger,
        )
      : null,
  );
  c.bind(TOKENS.Runners).toDynamicValue((ctx): Runner[] => {
    const channels = ctx.get<Channels>(TOKENS.Channels);
    const log = (stage: string) => logger.child({ stage });
    const issuer = ctx.get<ReturnType<typeof meshCaIssuer> | null>(TOKENS.MeshCa);
    return [
      options.sources
        ? createSourcesRunner({
            set: ctx.get<SourceSet>(TOKENS.Sources),
            stages,
            channels,
            metrics: ctx.get<DaemonMetrics>(TOKENS.Metrics),
            rules: options.ownership,
            log: log('sources'),
          })
        : createSourceRunner(ctx.get<Source>(TOKENS.Source), channels, log('source')),
      createSpecRunner(stages, channels, log('spec')),
      createGraphRunner(stages, channels, log('graph')),
      createDiscoveryRunner(ctx.get<Discovery>(TOKENS.Discovery), channels, log('discovery')),
      createTranslateRunner(
        stages,
        channels,
        log('translate'),
        withMeshCa(withTelemetry(options.translateOptions, resolveTelemetry(options)), inputs.meshCa),
        options.configTransform,
        new ConnectedLocalities(ctx.get<XdsServer>(TOKENS.Xds)),
      ),
      createXdsRunner(
        ctx.get<XdsServer>(TOKENS.Xds),
        channels,
        ctx.get<DaemonMetrics>(TOKENS.Metrics),
        ctx.get<ProxyRevisions>(TOKENS.ProxyRevisions),
        log('xds'),
        issuer?.prepare,
      ),
    ];
  });
  return c;
}

/** Lets the spec validator check plugin-owned `serviceDiscovery` keys; returns the undo (or a no-op). */
export function registerPluginKeys(container: Container, logger: Logger): () => void {
  const plugins = container.isBound(DiscoveryPluginToken) ? container.getAll(DiscoveryPluginToken) : [];
  try {
    return registerDiscoveryPluginKeys(plugins);
  } catch (err) {
    logger.warn({ err }, 'plugin discovery keys already registered in this process');
    return () => {};
  }
}
