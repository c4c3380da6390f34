import type { ContainerModule } from 'inversify';
import { silentLogger, systemClock } from './clock.ts';
import type { Endpoint } from './endpoints.ts';
import { loadDiscoveryPlugins } from './module.ts';
import type {
  DiscoveryPlugin,
  DiscoverySettings,
  DiscoveryTarget,
  PluginContext,
  PluginLogger,
} from './plugin.ts';

/** Options for `startPluginHarness`. */
export interface PluginHarnessOptions {
  settings?: DiscoverySettings;
  logger?: PluginLogger;
  /** Which plugin of the module to use when it binds several (default: the one handling `target.key`). */
  pluginName?: string;
}

/** A running watch under test. */
export interface PluginHarness {
  plugin: DiscoveryPlugin;
  /** Every `sink.update` so far, oldest first. */
  updates: Endpoint[][];
  /** Every `sink.error` so far. */
  errors: Error[];
  /** The most recent update, if any. */
  latest(): Endpoint[] | undefined;
  /** Resolves with the first update made AFTER this call. */
  nextUpdate(timeoutMs?: number): Promise<Endpoint[]>;
  /** Resolves with the first error reported AFTER this call. */
  nextError(timeoutMs?: number): Promise<Error>;
  /** Resolves with the latest update (already seen or future) for which `predicate` holds. */
  waitForUpdate(predicate: (endpoints: Endpoint[]) => boolean, timeoutMs?: number): Promise<Endpoint[]>;
  /** Disposes the watch (also aborts `ctx.signal`). Idempotent. */
  stop(): void;
}

/** The target a test usually means: mesh `test`, node `node`, listener 8080, overridable field by field. */
export function testTarget(
  t: Pick<DiscoveryTarget, 'key' | 'config'> & Partial<DiscoveryTarget>,
): DiscoveryTarget {
  return { mesh: 'test', virtualNode: 'node', listenerPorts: [8080], ...t };
}

/** The plugin from `module` that handles `key` (or is named `pluginName`). */
export function pluginFromModule(module: ContainerModule, key: string, pluginName?: string): DiscoveryPlugin {
  const plugins = loadDiscoveryPlugins(module);
  const p = plugins.find((x) => (pluginName ? x.name === pluginName : x.keys.includes(key)));
  if (!p)
    throw new Error(`module binds no discovery plugin for key "${key}" (has: ${plugins.map((x) => x.name)})`);
  return p;
}

/**
 * Loads `module` into a fresh inversify container, takes the plugin that handles `target.key` and starts
 * `watch(target, sink, ctx)` with a real clock, collecting what it reports. Always `stop()` it (afterEach).
 */
export function startPluginHarness(
  module: ContainerModule,
  target: Pick<DiscoveryTarget, 'key' | 'config'> & Partial<DiscoveryTarget>,
  opts: PluginHarnessOptions = {},
): PluginHarness {
  const plugin = pluginFromModule(module, target.key, opts.pluginName);
  const updates: Endpoint[][] = [];
  const errors: Error[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const abort = new AbortController();
  let stopped = false;
  const ctx: PluginContext = {
    logger: opts.logger ?? silentLogger,
    clock: systemClock,
    settings: opts.settings ?? {},
    signal: abort.signal,
  };
  const handle = plugin.watch(
    testTarget(target),
    {
      update(endpoints) {
        if (stopped) return;
        updates.push(endpoints);
        notify();
      },
      error(err) {
        if (stopped) return;
        errors.push(err);
        notify();
      },
    },
    ctx,
  );

  const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const first = check();
      if (first !== undefined) return resolve(first);
      const timer = setTimeout(() => {
        waiters.delete(onEvent);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what} (updates: ${updates.length}, errors: ${errors.map((e) => e.message).join('; ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      const onEvent = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        waiters.delete(onEvent);
        resolve(v);
      };
      waiters.add(onEvent);
    });

  return {
    plugin,
    updates,
    errors,
    latest: () => updates.at(-1),
    nextUpdate(timeoutMs = 20_000) {
      const seen = updates.length;
      return waitUntil(
        () => (updates.length > seen ? updates[seen] : undefined),
        timeoutMs,
        'the next update',
      );
    },
    nextError(timeoutMs = 20_000) {
      const seen = errors.length;
      return waitUntil(() => (errors.length > seen ? errors[seen] : undefined), timeoutMs, 'the next error');
    },
    waitForUpdate(predicate, timeoutMs = 20_000) {
      return waitUntil(
        () => {
          const last = updates.at(-1);
          return last && predicate(last) ? last : undefined;
        },
        timeoutMs,
        'a matching update',
      );
    },
    stop() {
      if (stopped) return;
      stopped = true;
      abort.abort(new Error('harness stopped'));
      handle.dispose();
      for (const w of [...waiters]) waiters.delete(w);
    },
  };
}
export { checkStaleThenRecovery, type StaleRecoveryCheck, testVirtualNode } from './stale-recovery-check.ts';
