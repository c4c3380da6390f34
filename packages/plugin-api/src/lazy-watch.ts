import type { DiscoveryPlugin, Disposable } from './plugin.ts';

type WatchFn = DiscoveryPlugin['watch'];

/**
 * A watch whose implementation is imported on first use. Loading a plugin package then costs nothing more than
 * its config validator, so `plexus validate` and a daemon that never uses the plugin do not load its SDK (the
 * AWS and Kubernetes clients take seconds to import). A failed import is reported through `sink.error` and
 * tried again by the next watch.
 */
export function lazyWatch(load: () => Promise<WatchFn>): WatchFn {
  let loading: Promise<WatchFn> | undefined;
  return (target, sink, ctx) => {
    let inner: Disposable | undefined;
    let disposed = false;
    loading ??= load();
    loading.then(
      (watch) => {
        if (!disposed) inner = watch(target, sink, ctx);
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
