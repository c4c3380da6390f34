import type { DiscoveryPlugin, DiscoverySettings } from '@plexus/plugin-api';
import type { AdminTokenEntry, Authenticator, TlsFiles } from '@plexus/security';
import type { SourceFile } from '@plexus/spec';
import type { OwnershipRules } from '@plexus/teams';
import type { Logger } from 'pino';
import type { ApiOptions } from './app-mesh-api.ts';
import type { CaSection, IdentitySection } from './config/sections/index.ts';
import type {
  ConfigTransform,
  CoreStages,
  CreateXdsServer,
  Discovery,
  Source,
  SourceOptions,
  TranslateOptions,
} from './stages.ts';

/** One of several sources (`plexus run --repo ...,owner=O` repeated, or the config file's `sources:`). */
export interface SourceConfig extends SourceOptions {
  /** Prefixes its files in errors (`team-a/mesh/web.yaml:3:1`) and labels its status, metrics and logs. */
  name: string;
  /** The team or AWS account id it speaks for, as the ownership rules name owners; default its name. */
  owner?: string;
}

export interface DaemonOptions {
  /**
   * Local path (git work tree or plain directory) or remote git URL: the one source. Give `sources` instead
   * for several (the mesh is then the union of each source's last good revision).
   */
  repo?: string;
  /** Several sources, each with its own revision and last-known-good; see docs/teams.md. */
  sources?: SourceConfig[];
  /** Who may define which meshes and resources (config file `ownership:`); unset: no ownership checks. */
  ownership?: OwnershipRules;
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
  /** Default `127.0.0.1:18000`, or `0.0.0.0:18000` with `xdsTls`; `unix:///path` for a unix socket. */
  xdsListen?: string;
  /** gRPC over TLS on the xDS listener; the files are re-read when they change. */
  xdsTls?: TlsFiles;
  /** Allow a plaintext xDS listener beyond loopback (logged as a warning). */
  xdsInsecure?: boolean;
  /** SPIFFE trust domain of proxy identities; default `plexus.local`. */
  trustDomain?: string;
  /**
   * Node tokens (`plexus token create`) verify against keys in `stateDir`; on by default when `stateDir` is
   * set. `false` turns the method off.
   */
  nodeTokens?: boolean;
  /** Identity methods and bindings from the config file's `identity` section (paths resolved). */
  identity?: IdentitySection;
  /**
   * The mesh certificate authority (config section `ca`, paths resolved): per-proxy certificates over SDS and
   * the App Mesh ACM TLS fields. Unset: off (ACM fields are refused with the setting to add).
   */
  ca?: CaOptions;
  /** Admin tokens (by SHA-256): CSDS, and the HTTP API beyond loopback. */
  adminTokens?: AdminTokenEntry[];
  /** Refuse streams without a credential even on a plaintext loopback listener. */
  identityRequired?: boolean;
  /** Identity methods besides client certificates (node tokens, Kubernetes, AWS IAM, ...), asked in order. */
  authenticators?: Authenticator[];
  /** Default `127.0.0.1:9090`. */
  httpListen?: string;
  /** Extra plugin packages (each exports an inversify ContainerModule binding DiscoveryPluginToken). */
  plugins?: string[];
  /** Built-in plugin packages to load; default all of BUILTIN_PLUGINS. */
  builtinPlugins?: string[];
  discoverySettings?: DiscoverySettings;
  /**
   * CloudFormation parameters / Terraform variables and a values file from outside the repo (`--parameters`,
   * `--values`), over the repo's own `plexus-values.yaml` and parameter files (see docs/import.md).
   */
  import?: { parameters?: SourceFile; values?: SourceFile };
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
  /**
   * Mesh telemetry (@plexus/telemetry; the daemon config file's `telemetry` section once it exists): proxies
   * stream their egress access logs to the xDS port. On by default; the proxies' bootstrap must hold
   * `grpcCluster` (what `plexus bootstrap` writes: `xds_cluster`).
   */
  telemetry?: {
    enabled?: boolean;
    grpcCluster?: string;
    flushInterval?: string;
    maxEdges?: number;
    expireAfterMs?: number;
  };
  /**
   * The App Mesh API at /v20190125 (@plexus/api): SigV4 keys (`--api-keys`), account and region of its
   * ARNs, where created resources go. Without keys every call is refused.
   */
  api?: ApiOptions;
  /** The web console at /ui (@plexus/console). On by default. */
  console?: { enabled?: boolean; errorThreshold?: number; tickMs?: number };
  /** Grace period for xDS streams on shutdown (ms). Default 2000. */
  drainMs?: number;
  /** How often the rollout controller wakes (ms; tests and the demo). Default 250. */
  rolloutTickMs?: number;
  logger?: Logger;
  /** Test seams: replace a stage (the real package is used for whatever is left out). */
  overrides?: {
    stages?: Partial<CoreStages>;
    source?: Source;
    /** Multi-source: the source object for a configured source name (the real one for names left out). */
    sources?: Record<string, Source>;
    createXds?: CreateXdsServer;
    discovery?: Discovery;
    discoveryPlugins?: DiscoveryPlugin[];
  };
}

/** Without TLS the xDS listener stays on loopback (DESIGN.md "CLI"); with TLS it defaults to 0.0.0.0:18000. */
export const DEFAULT_XDS_LISTEN = '127.0.0.1:18000';
export const DEFAULT_HTTP_LISTEN = '127.0.0.1:9090';

/** The `ca` config section with defaults applied and paths resolved. */
export type CaOptions = Omit<CaSection, 'leafLifetime' | 'bundleLead'> & {
  leafLifetimeMs?: number;
  bundleLeadMs?: number;
};
