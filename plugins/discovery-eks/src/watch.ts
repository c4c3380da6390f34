import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type KubernetesObject,
  type ListWatch,
  type V1EndpointSlice,
  type V1Pod,
} from '@kubernetes/client-node';
import type { DiscoveryPlugin, Disposable } from '@plexus/plugin-api';
import { labelSelectorString } from './config.ts';
import { endpointsFromSlices } from './endpoints.ts';
import { makeResumingInformer } from './informer.ts';
import { type InformerLease, InformerPool } from './informer-pool.ts';
import { eksSettingsOf, kubeConfigFor } from './kubeconfig.ts';
import { SERVICE_NAME_LABEL, selectionOf } from './selection.ts';

/** The informers one EKS plugin shares between its watches. */
export interface EksInformers {
  slices: InformerPool<V1EndpointSlice>;
  pods: InformerPool<V1Pod>;
}

/**
 * The EKS watch. Watches EndpointSlices (and, in pod mode, the selected Pods) with informers shared per API
 * server, namespace and label selector, and reports the full endpoint list after the first list and after
 * every change. Any informer error is reported once through `sink.error` and ends this watch; the
 * DiscoveryManager keeps the last endpoints (stale) and starts a new watch after its backoff. Resumed watches
 * and 410 Gone relists happen inside the informer. Loaded on first use.
 */
export function eksWatch(
  informers: EksInformers = { slices: new InformerPool(), pods: new InformerPool() },
): DiscoveryPlugin['watch'] {
  const configs = new Map<string, KubeConfig>();
  return (target, sink, ctx) => {
    const sel = selectionOf(target);
    const log = ctx.logger;
    if (sel.mode === 'none') {
      log.warn('eks: no service and no podSelector: selects no pod', {
        node: `${target.mesh}/${target.virtualNode}`,
      });
      queueMicrotask(() => sink.update([]));
      return { dispose() {} };
    }
    const settings = eksSettingsOf(ctx.settings.plugins?.eks);
    const server = JSON.stringify(settings);
    let kc = configs.get(server);
    if (!kc) {
      kc = kubeConfigFor(settings);
      configs.set(server, kc);
    }
    const cluster = kc;
    const ns = sel.namespace;
    const sliceSelector = sel.mode === 'service' ? `${SERVICE_NAME_LABEL}=${sel.service}` : undefined;
    const slicesPath = `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`;
    const slices = informers.slices.acquire(`${server} ${slicesPath}?${sliceSelector ?? ''}`, () => {
      const discovery = cluster.makeApiClient(DiscoveryV1Api);
      return makeResumingInformer<V1EndpointSlice>(
        cluster,
        slicesPath,
        () => discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: sliceSelector }),
        sliceSelector,
      );
    });
    let pods: InformerLease<V1Pod> | undefined;
    if (sel.mode === 'pods') {
      const podSelector = labelSelectorString(sel.podSelector) || undefined;
      const podsPath = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
      pods = informers.pods.acquire(`${server} ${podsPath}?${podSelector ?? ''}`, () => {
        const core = cluster.makeApiClient(CoreV1Api);
        return makeResumingInformer<V1Pod>(
          cluster,
          podsPath,
          () => core.listNamespacedPod({ namespace: ns, labelSelector: podSelector }),
          podSelector,
        );
      });
    }

    let done = false;
    let listed = false;
    let scheduled = false;
    const detach: Array<() => void> = [];
    const dispose = () => {
      if (done) return;
      done = true;
      ctx.signal.removeEventListener('abort', dispose);
      for (const off of detach) off();
      slices.release();
      pods?.release();
    };
    ctx.signal.addEventListener('abort', dispose, { once: true });

    const report = () => {
      scheduled = false;
      if (done || !listed) return;
      const podNames = pods ? new Set(pods.informer.list(ns).map((p) => p.metadata?.name ?? '')) : undefined;
      sink.update(
        endpointsFromSlices(slices.informer.list(ns), {
          port: sel.port,
          listenerPort: target.listenerPorts[0],
          pods: podNames,
        }),
      );
    };
    // Coalesce the burst of callbacks a relist makes into one report.
    const schedule = () => {
      if (scheduled || done) return;
      scheduled = true;
      setImmediate(report);
    };
    const fail = (what: string) => (err: unknown) => {
      if (done) return;
      const reason =
        err instanceof Error ? err.message : String((err as { message?: unknown })?.message ?? err);
      log.warn('eks: informer failed', { what, namespace: ns, error: reason });
      dispose();
      sink.error(
        new Error(`eks: ${what} in namespace ${ns} at ${cluster.getCurrentCluster()?.server}: ${reason}`),
      );
    };
    const listen = <T extends KubernetesObject>(what: string, informer: ListWatch<T>) => {
      const onError = fail(what);
      const onConnect = () => log.debug('eks: (re)connecting', { what, namespace: ns });
      for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, schedule);
      informer.on('error', onError);
      informer.on('connect', onConnect);
      detach.push(() => {
        for (const verb of ['add', 'update', 'delete'] as const) informer.off(verb, schedule);
        informer.off('error', onError);
        informer.off('connect', onConnect);
      });
    };
    listen('watching EndpointSlices', slices.informer);
    if (pods) listen('watching Pods', pods.informer);

    void Promise.all([slices.started, pods?.started])
      .then(() => {
        if (done) return;
        listed = true;
        report();
      })
      .catch(fail('starting informers'));

    return { dispose } satisfies Disposable;
  };
}
