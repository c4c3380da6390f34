import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';

/**
 * The client's Watch with two changes for informers:
 * - it asks for bookmarks, which move the informer's resourceVersion forward while nothing it selects
 *   changes, so a reconnect rarely needs a full relist (410 Gone);
 * - a stream cut after it was established (connection reset, proxy or API server restart) ends the watch
 *   like a clean close, so the informer resumes from its resourceVersion instead of failing. Failures to
 *   (re)connect still reach the informer as errors.
 */
class ResumingWatch extends Watch {
  private closed = false;
  private readonly open = new Set<AbortController>();

  /**
   * No further watch requests. ListWatch.stop() aborts the current request, but a reconnect waiting out its
   * delay would still open a new one afterwards; this makes that one end at once.
   */
  close(): void {
    this.closed = true;
    for (const c of this.open) c.abort();
    this.open.clear();
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.closed) {
      queueMicrotask(() => done(null));
      return new AbortController();
    }
    let established = false;
    let controller: AbortController | undefined;
    controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, callback, (err) => {
      if (controller) this.open.delete(controller);
      const timeout = (err as { name?: string } | null)?.name === 'TimeoutError';
      done(err && established && !timeout ? null : err);
    });
    established = true;
    if (this.closed) controller.abort();
    else this.open.add(controller);
    return controller;
  }
}

/** An informer (list, then watch from the list's resourceVersion; relist on 410), not started yet. */
export interface ResumingInformer<T extends KubernetesObject> {
  informer: ListWatch<T>;
  /** Stops the informer for good, including a reconnect that is waiting out its delay. */
  stop(): void;
}

export function makeResumingInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  labelSelector?: string,
): ResumingInformer<T> {
  const watch = new ResumingWatch(kc);
  const informer = new ListWatch<T>(path, watch, list, false, labelSelector || undefined);
  return {
    informer,
    stop() {
      watch.close();
      void informer.stop().catch(() => {});
    },
  };
}
