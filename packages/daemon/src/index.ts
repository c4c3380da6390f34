export { type ApiOptions, DEFAULT_API_ACCOUNT, DEFAULT_API_REGION } from './app-mesh-api.ts';
export { appMeshStatsConfig, type BootstrapOptions, envoyBootstrap, grpcBootstrap } from './bootstrap.ts';
export { layerOptions, optionsFromConfig } from './config/apply-config.ts';
export { ConfigFileError, type DaemonConfig, loadDaemonConfig } from './config/load-config.ts';
export { configSection, configSectionNames, registerConfigSection } from './config/registry.ts';
export { createDaemonContainer, proxyResolver } from './container.ts';
export { loadCoreStages, loadXdsFactory } from './core-stages.ts';
export { type Daemon, startDaemon } from './daemon.ts';
export {
  expandReplicaUrls,
  type FetchStatusOptions,
  type FleetProxy,
  type FleetStatus,
  fetchFleetStatus,
  fetchReplicaStatuses,
  mergeFleetStatus,
  type ReplicaAnswer,
  type ReplicaSummary,
} from './fleet-status.ts';
export { type HttpMount, parseHostPort } from './http.ts';
export { LatestValueSubject, latestWins } from './latest-value.ts';
export { isLoopbackAddress } from './listen-address.ts';
export type * from './messages.ts';
export { createMetrics, type DaemonMetrics } from './metrics.ts';
export {
  type CaOptions,
  type DaemonOptions,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_XDS_LISTEN,
  type SourceConfig,
} from './options.ts';
export { BUILTIN_PLUGINS, containerModulesOf, importPluginModules } from './plugins.ts';
export { RevisionHistory, type RevisionRecord } from './revision-history.ts';
export type { Runner } from './runner.ts';
export { sameHostConfig } from './same-host.ts';
export type { SourceStatus } from './sources/source-set.ts';
export type * from './stages.ts';
export type { ConvergedEvent, ProxyStatus, StatusDocument, StatusStore } from './status.ts';
export { TOKENS } from './tokens.ts';
export {
  createXdsSecurity,
  DEFAULT_XDS_LISTEN_LOOPBACK,
  DEFAULT_XDS_LISTEN_TLS,
  type XdsSecurity,
  xdsListenAddress,
} from './xds-security.ts';
