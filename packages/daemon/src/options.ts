import type { DiscoveryPlugin, DiscoverySettings } from '@plexus/plugin-api';
import type { Logger } from 'pino';
import type {
  ConfigTransform,
  CoreStages,
  CreateXdsServer,
  Discovery,
  Source,
  SourceOptions,
  TranslateOptions,
} from './stages.ts';

export interface DaemonOptions {
  /** Local path (git work tree or plain directory) or remote git URL. */
  repo: string;
  branch?: string;
  /** Remote repositories: track a tag, or pin a commit, instead of a branch. */
  tag?: string;
  commit?: string;
  /** Remote repositories: token auth and clone cache (see @plexus/source). */
  auth?: SourceOptions['auth'];
  cacheDir?: string;
  /** Sub-directory of the repo holding the specs. */
  path?: string;
  pollIntervalMs?: number;
  webhookSecret?: string;
  /** Default `0.0.0.0:18000`. */
  xdsListen?: string;
  /** Default `127.0.0.1:9090`. */
  httpListen?: string;
  /** Extra plugin packages (each exports an inversify ContainerModule binding DiscoveryPluginToken). */
  plugins?: string[];
  /** Built-in plugin packages to load; default all of BUILTIN_PLUGINS. */
  builtinPlugins?: string[];
  discoverySettings?: DiscoverySettings;
  /**
   * @plexus/translate options (ports, App Mesh defaults), for all proxies or per proxy key. Per-proxy ports let
   * several sidecars share one host (the demo and the end-to-end tests run every Envoy on 127.0.0.1).
   */
  translateOptions?: TranslateOptions | ((proxyKey: string) => TranslateOptions | undefined);
  /**
   * Rewrites each translated config before it is compared and pushed. For single-host runs (demo, tests): see
   * `sameHostConfig`, which stands in for App Mesh's iptables redirect.
   */
  configTransform?: ConfigTransform;
  /**
   * Where the files of the last applied revision are kept. A restarted daemon applies them first, so it serves
   * the last good revision even if HEAD is broken. Unset: nothing is kept.
   */
  stateDir?: string;
  /** Grace period for xDS streams on shutdown (ms). Default 2000. */
  drainMs?: number;
  logger?: Logger;
  /** Test seams: replace a stage (the real package is used for whatever is left out). */
  overrides?: {
    stages?: Partial<CoreStages>;
    source?: Source;
    createXds?: CreateXdsServer;
    discovery?: Discovery;
    discoveryPlugins?: DiscoveryPlugin[];
  };
}

export const DEFAULT_XDS_LISTEN = '0.0.0.0:18000';
export const DEFAULT_HTTP_LISTEN = '127.0.0.1:9090';
