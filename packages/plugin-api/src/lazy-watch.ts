import type { DiscoveryPlugin, Disposable } from './plugin.ts';

type WatchFn = DiscoveryPlugin['watch'];

/**
 * A watch whose implementation is imported on first use. Loading a plugin package then costs nothing more than
 * its config validator, so `plexus validate` and a daemon that never uses the plugin do not load its SDK (the
 * AWS and Kubernetes clients take seconds to import). A failed import is reported through `sink.error` and
 * tried again by the next watch; a watch that throws is reported through `sink.error` too.
 */
export function lazyWatch(load: () => Promise<WatchFn>): WatchFn {
  let loading: Promise<WatchFn> | undefined;
  return (target, sink, ctx) => {
    let inner: Disposable | undefined;
    let disposed = false;
    loading ??= load();
    loading.then(
      (watch) => {
        if (disposed) return;
        // A watch that throws counts as sink.error, as it would if called directly by the manager.
        try {
          inner = watch(target, sink, ctx);
        } catch (err) {
          sink.error(err instanceof Error ? err : new Error(String(err)));
        }
      },
      (err: unknown) => {
        loading = undefined;
        if (!disposed) sink.error(err instanceof Error ? err : new Error(String(err)));
      },
    );
    return {
      dispose() {
        disposed = true;
        inner?.dispose();
      },
    };
  };
}
