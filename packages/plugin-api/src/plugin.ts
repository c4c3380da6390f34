import type { SpecResource } from '@plexus/spec';
import type { Endpoint } from './endpoints.ts';

/** Something that can be stopped; `dispose()` must be idempotent and must not throw. */
export interface Disposable {
  dispose(): void;
}

/** One problem in a plugin's config block. */
export interface ConfigIssue {
  /**
   * Dotted path RELATIVE to the plugin's config block, e.g. `serviceName` or `endpoints[0].address`;
   * `''` for the block itself. The spec integration prefixes `spec.serviceDiscovery.<key>.`.
   */
  path: string;
  message: string;
}

/** What one watch is about: one virtual node and the `spec.serviceDiscovery.<key>` block that drives it. */
export interface DiscoveryTarget {
  mesh: string;
  virtualNode: string;
  /** The `spec.serviceDiscovery` key this plugin is asked to handle (one of the plugin's `keys`). */
  key: string;
  /** The value under `spec.serviceDiscovery.<key>`, already accepted by `validateConfig`. */
  config: unknown;
  /** Ports of the node's listeners (`spec.listeners[].portMapping.port`), in spec order; may be empty. */
  listenerPorts: number[];
  /** Kubernetes data of a CRD-format node (namespace, podSelector), for the eks plugin. */
  k8s?: SpecResource['k8s'];
  /**
   * The mesh's `spec.serviceDiscovery.ipPreference` (IPv4_ONLY | IPv4_PREFERRED | IPv6_ONLY | IPv6_PREFERRED),
   * when the mesh sets one; a node-level `ipPreference` in `config` overrides it.
   */
  meshIpPreference?: string;
}

/** Where a watch reports. Calls after the watch was disposed are ignored. */
export interface EndpointSink {
  /** The complete current endpoint list of the target (not a delta). Identical repeats are deduplicated. */
  update(endpoints: Endpoint[]): void;
  /**
   * The source failed. The last endpoints stay in use marked `stale`; the manager disposes the watch and
   * starts it again after an exponential backoff, so a plugin needs no retry loop of its own across polls.
   */
  error(err: Error): void;
}

/** Structured logger handed to plugins (pino-compatible subset). */
export interface PluginLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Time source; tests may replace it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** Overrides for AWS SDK clients (tests point them at moto; production usually leaves them unset). */
export interface AwsSettings {
  region?: string;
  /** Endpoint URL override, e.g. `http://127.0.0.1:5000`. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Attempts per API call, the first included (default `DEFAULT_AWS_MAX_ATTEMPTS`, 3). This is the only
   * per-call retry: the SDK's standard strategy (jittered backoff, throttling-aware). Plugins add no loop of
   * their own; a poll that still fails is reported and the DiscoveryManager restarts the watch after its
   * backoff, keeping the last endpoints (stale).
   */
  maxAttempts?: number;
}

/** Settings shared by every plugin of one daemon. */
export interface DiscoverySettings {
  aws?: AwsSettings;
  /** Default re-poll interval for polling plugins (ms). Plugins document their own default. */
  pollIntervalMs?: number;
  /** Plugin-specific settings keyed by plugin name. */
  plugins?: Record<string, Record<string, unknown>>;
}

/** Everything a watch gets from the host besides its target. */
export interface PluginContext {
  logger: PluginLogger;
  clock: Clock;
  settings: DiscoverySettings;
  /** Aborted when the watch is disposed: pass it to SDK calls and sleeps. */
  signal: AbortSignal;
}

/** A discovery source. Contributed by a plugin's ContainerModule under `DiscoveryPluginToken`. */
export interface DiscoveryPlugin {
  /** Short unique name, e.g. `ecs`; becomes `EndpointSet.source`. */
  name: string;
  /** The `spec.serviceDiscovery` keys this plugin handles, e.g. `['awsCloudMap']`. */
  keys: string[];
  /** Checks the block under `spec.serviceDiscovery.<key>`; pure and synchronous; `[]` when valid. */
  validateConfig(key: string, config: unknown): ConfigIssue[];
  /**
   * Starts watching; must report through `sink` (asynchronously is fine) until disposed. `target` is shared
   * with the spec (its `config` is the spec's own object): read it, never mutate it.
   */
  watch(target: DiscoveryTarget, sink: EndpointSink, ctx: PluginContext): Disposable;
}
