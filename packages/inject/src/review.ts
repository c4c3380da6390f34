/**
 * admission.k8s.io/v1 AdmissionReview in, AdmissionReview out. Injection follows the App Mesh controller:
 * the namespace label `appmesh.k8s.aws/sidecarInjectorWebhook` sets the default (enabled | disabled), the pod
 * annotation overrides it; an enabled pod with no virtual node or gateway is refused, saying why. Whenever
 * Plexus cannot decide (no mesh specs loaded yet), the pod is admitted unchanged with a warning: injection
 * never blocks pod creation on a Plexus problem.
 */
import { A } from './annotations.ts';
import type { InjectConfig } from './config.ts';
import type { AdmissionResponse, AdmissionReview, Pod } from './k8s-types.ts';
import type { MeshIndex } from './mesh-index.ts';
import { podPatch } from './mutate.ts';
import { AnnotationError } from './sidecar.ts';

export type NamespaceDefault = 'enabled' | 'disabled' | undefined;

export interface ReviewContext {
  /** The specs of the last good revision; undefined until one loaded. */
  index: MeshIndex | undefined;
  config: InjectConfig;
  /** The namespace's label value, which the webhook configuration passes in the path (?namespace=...). */
  namespaceDefault: NamespaceDefault;
}

/** A request body that is not a v1 AdmissionReview for an object. */
export class BadReview extends Error {}

export function parseReview(
  body: unknown,
): AdmissionReview & { request: NonNullable<AdmissionReview['request']> } {
  const r = body as Partial<AdmissionReview> | null;
  if (!r || typeof r !== 'object' || r.apiVersion !== 'admission.k8s.io/v1' || r.kind !== 'AdmissionReview') {
    throw new BadReview('expected an admission.k8s.io/v1 AdmissionReview');
  }
  if (!r.request || typeof r.request.uid !== 'string')
    throw new BadReview('AdmissionReview without request.uid');
  return r as AdmissionReview & { request: NonNullable<AdmissionReview['request']> };
}

function respond(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

export function reviewPod(body: unknown, ctx: ReviewContext): AdmissionReview {
  const { request } = parseReview(body);
  const uid = request.uid;
  const allow = (warning?: string) =>
    respond({ uid, allowed: true, ...(warning ? { warnings: [warning] } : {}) });
  const object = request.object as Pod | undefined;
  if (
    request.kind?.kind !== 'Pod' ||
    request.operation !== 'CREATE' ||
    !object?.spec ||
    request.subResource
  ) {
    return allow();
  }
  const pod: Pod = { ...object, metadata: object.metadata ?? {} };
  const annotations = pod.metadata.annotations ?? {};
  const mode = (annotations[A.inject] ?? ctx.namespaceDefault ?? '').toLowerCase();
  if (mode === 'disabled') return allow();
  if (!ctx.index)
    return allow('plexus: sidecar not injected: no mesh specs loaded yet (see plexus inject logs)');
  const namespace = request.namespace ?? pod.metadata.namespace ?? 'default';
  const found = ctx.index.designate(namespace, pod.metadata.labels ?? {}, annotations);
  const refuse = (message: string) =>
    respond({ uid, allowed: false, status: { code: 400, message: `plexus: ${message}` } });
  if ('error' in found) return refuse(found.error);
  if ('none' in found) {
    return mode === 'enabled' ? refuse(`sidecar injection is enabled but ${found.none}`) : allow();
  }
  try {
    const patch = podPatch(pod, found.member, ctx.config);
    if (patch.length === 0) return allow();
    return respond({
      uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    });
  } catch (err) {
    if (err instanceof AnnotationError) return refuse(err.message);
    throw err;
  }
}
