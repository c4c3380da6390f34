/** Pods as the API server hands them to the webhook: a Deployment's pod template, in its namespace. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAndValidate } from '@plexus/spec';
import { parseAllDocuments } from 'yaml';
import type { AdmissionReview, Pod } from '../src/k8s-types.ts';
import { MeshIndex } from '../src/mesh-index.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export interface ManifestPods {
  index: MeshIndex;
  /** Namespace name → its `appmesh.k8s.aws/sidecarInjectorWebhook` label. */
  namespaceDefault: Map<string, string | undefined>;
  pods: { deployment: string; namespace: string; pod: Pod }[];
}

type Doc = {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { metadata?: Pod['metadata']; spec?: Pod['spec'] } };
};

export function manifestPods(file: string): ManifestPods {
  const content = readFileSync(join(FIXTURES, file), 'utf8');
  const loaded = loadAndValidate([{ path: file, content }]);
  if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.diagnostics)}`);
  const docs = parseAllDocuments(content)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => Boolean(d));
  const namespaceDefault = new Map<string, string | undefined>();
  for (const d of docs) {
    if (d.kind === 'Namespace' && d.metadata?.name) {
      namespaceDefault.set(d.metadata.name, d.metadata.labels?.['appmesh.k8s.aws/sidecarInjectorWebhook']);
    }
  }
  const pods = docs
    .filter((d) => d.kind === 'Deployment' && d.spec?.template?.spec)
    .map((d) => {
      const namespace = d.metadata?.namespace ?? 'default';
      const t = d.spec!.template!;
      const pod: Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...t.metadata, generateName: `${d.metadata?.name}-`, namespace },
        spec: t.spec!,
      };
      return { deployment: d.metadata?.name ?? '?', namespace, pod };
    });
  return { index: MeshIndex.fromResources(loaded.resources, 'fixture'), namespaceDefault, pods };
}

/** The AdmissionReview (v1) request the API server sends for creating `pod`. */
export function admissionReview(pod: Pod, namespace: string, uid: string): AdmissionReview {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}
