import type { Endpoint } from './endpoints.ts';
import type { Disposable, EndpointSink, PluginContext } from './plugin.ts';

/**
 * The usual shape of a polling plugin's watch: runs `poll` now and then every `intervalMs` after each success,
 * reporting to `sink`. On the first failure it reports `sink.error` and stops (the manager restarts the watch
 * with backoff). `poll` gets a signal aborted on dispose.
 */
export function pollingWatch(
  ctx: PluginContext,
  sink: EndpointSink,
  intervalMs: number,
  poll: (signal: AbortSignal) => Promise<Endpoint[]>,
): Disposable {
  const ac = new AbortController();
  const onParentAbort = () => ac.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onParentAbort, { once: true });
  let cancelTimer: (() => void) | undefined;
  const run = async () => {
    cancelTimer = undefined;
    if (ac.signal.aborted) return;
    try {
      const endpoints = await poll(ac.signal);
      if (ac.signal.aborted) return;
      sink.update(endpoints);
      cancelTimer = ctx.clock.setTimer(run, intervalMs);
    } catch (err) {
      if (ac.signal.aborted) return;
      sink.error(err instanceof Error ? err : new Error(String(err)));
    }
  };
  void run();
  return {
    dispose() {
      cancelTimer?.();
      ctx.signal.removeEventListener('abort', onParentAbort);
      if (!ac.signal.aborted) ac.abort(new Error('watch disposed'));
    },
  };
}
