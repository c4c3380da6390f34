import {
  CoreV1Api,
  DiscoveryV1Api,
  type KubernetesObject,
  type V1EndpointSlice,
  type V1Pod,
} from '@kubernetes/client-node';
import type { DiscoveryTarget, Disposable, EndpointSink, PluginContext } from '@plexus/plugin-api';
import { labelSelectorString } from './config.ts';
import { endpointsFromSlices } from './endpoints.ts';
import { makeResumingInformer, type ResumingInformer } from './informer.ts';
import { eksSettingsOf, kubeConfigFor } from './kubeconfig.ts';
import { SERVICE_NAME_LABEL, selectionOf } from './selection.ts';

/**
 * Watches EndpointSlices (and, in pod mode, the selected Pods) with informers and reports the full endpoint
 * list after the first list and after every change. Any informer error is reported once through
 * `sink.error` and ends this watch; the DiscoveryManager keeps the last endpoints (stale) and starts a new
 * watch after its backoff. Resumed watches and 410 Gone relists happen inside the informer.
 */
export function watchEks(target: DiscoveryTarget, sink: EndpointSink, ctx: PluginContext): Disposable {
  const sel = selectionOf(target);
  const log = ctx.logger;
  if (sel.mode === 'none') {
    log.warn('eks: no service and no podSelector: selects no pod', {
      node: `${target.mesh}/${target.virtualNode}`,
    });
    queueMicrotask(() => sink.update([]));
    return { dispose() {} };
  }
  const kc = kubeConfigFor(eksSettingsOf(ctx.settings.plugins?.eks));
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const ns = sel.namespace;
  const sliceSelector = sel.mode === 'service' ? `${SERVICE_NAME_LABEL}=${sel.service}` : undefined;
  const slices = makeResumingInformer<V1EndpointSlice>(
    kc,
    `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`,
    () => discovery.listNamespacedEndpointSlice({ namespace: ns, labelSelector: sliceSelector }),
    sliceSelector,
  );
  let pods: ResumingInformer<V1Pod> | undefined;
  if (sel.mode === 'pods') {
    const core = kc.makeApiClient(CoreV1Api);
    const podSelector = labelSelectorString(sel.podSelector) || undefined;
    pods = makeResumingInformer<V1Pod>(
      kc,
      `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
      () => core.listNamespacedPod({ namespace: ns, labelSelector: podSelector }),
      podSelector,
    );
  }
  const all = [
    { what: 'watching EndpointSlices', handle: slices as ResumingInformer<KubernetesObject> },
    ...(pods ? [{ what: 'watching Pods', handle: pods as ResumingInformer<KubernetesObject> }] : []),
  ];

  let done = false;
  let listed = false;
  let scheduled = false;
  const dispose = () => {
    if (done) return;
    done = true;
    ctx.signal.removeEventListener('abort', dispose);
    for (const { handle } of all) handle.stop();
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
    sink.error(new Error(`eks: ${what} in namespace ${ns} at ${kc.getCurrentCluster()?.server}: ${reason}`));
  };
  for (const { what, handle } of all) {
    handle.informer.on('add', schedule);
    handle.informer.on('update', schedule);
    handle.informer.on('delete', schedule);
    handle.informer.on('error', fail(what));
    handle.informer.on('connect', () => log.debug('eks: (re)connecting', { what, namespace: ns }));
  }

  void Promise.all(all.map(({ handle }) => handle.informer.start()))
    .then(() => {
      if (done) return;
      listed = true;
      report();
    })
    .catch(fail('starting informers'));

  return { dispose };
}
