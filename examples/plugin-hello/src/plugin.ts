import { type FSWatcher, watch as watchDir } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { DiscoveryPlugin } from '@plexus/plugin-api';
import { type HelloConfig, validateHelloConfig } from './config.ts';
import { readEndpointsFile } from './read-endpoints.ts';

/**
 * Endpoints from a JSON file, re-read whenever it changes. The directory is watched rather than the
 * file, so editors and tools that replace the file (write + rename) are seen too.
 */
export const helloDiscoveryPlugin: DiscoveryPlugin = {
  name: 'hello',
  keys: ['hello'],
  validateConfig: (_key, config) => validateHelloConfig(config),
  watch(target, sink, ctx) {
    const { file } = target.config as HelloConfig;
    const dir = ctx.settings.plugins?.hello?.dir;
    const path = resolve(typeof dir === 'string' ? dir : process.cwd(), file);
    let disposed = false;
    let cancelTimer: (() => void) | undefined;
    let watcher: FSWatcher | undefined;

    const read = async () => {
      try {
        const endpoints = await readEndpointsFile(path, target.listenerPorts[0]);
        if (!disposed) sink.update(endpoints);
      } catch (err) {
        // The host keeps the last endpoints (stale) and starts this watch again after a backoff.
        if (!disposed) sink.error(err as Error);
      }
    };
    // Several fs events arrive for one save: read once they settle.
    const schedule = () => {
      cancelTimer?.();
      cancelTimer = ctx.clock.setTimer(() => void read(), 25);
    };
    try {
      watcher = watchDir(dirname(path), (_event, name) => {
        if (name === null || name === basename(path)) schedule();
      });
      watcher.on('error', (err) => !disposed && sink.error(err));
    } catch (err) {
      queueMicrotask(() => sink.error(new Error(`${path}: cannot watch: ${(err as Error).message}`)));
      return { dispose() {} };
    }
    void read();

    const dispose = () => {
      if (disposed) return;
      disposed = true;
      cancelTimer?.();
      watcher?.close();
    };
    ctx.signal.addEventListener('abort', dispose, { once: true });
    return { dispose };
  },
};
