/** A pod and its designated member → the JSON patch that gives it its sidecar (nothing else is touched). */
import { A, ENVOY_CONTAINER, FARGATE_PROFILE_LABEL, PROXY_INIT_CONTAINER } from './annotations.ts';
import type { InjectConfig } from './config.ts';
import type { JsonPatchOp, Pod } from './k8s-types.ts';
import type { MeshMember } from './mesh-index.ts';
import {
  AnnotationError,
  cniAnnotations,
  envoyContainer,
  proxyConfig,
  proxyInitContainer,
  sidecarVolumes,
} from './sidecar.ts';

/** RFC 6901 escaping of one path segment. */
const seg = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');

function appendOps(path: string, current: unknown[] | undefined, items: unknown[]): JsonPatchOp[] {
  if (items.length === 0) return [];
  if (!current) return [{ op: 'add', path, value: items }];
  return items.map((value) => ({ op: 'add', path: `${path}/-`, value }));
}

function usesCni(pod: Pod): boolean {
  const v = pod.metadata.annotations?.[A.cni];
  if (v !== undefined) return v.toLowerCase() === 'enabled';
  return Boolean(pod.metadata.labels?.[FARGATE_PROFILE_LABEL]);
}

export function podPatch(pod: Pod, member: MeshMember, c: InjectConfig): JsonPatchOp[] {
  const annotations = pod.metadata.annotations ?? {};
  const ops: JsonPatchOp[] = [];
  const volumes = sidecarVolumes(c, annotations);
  const taken = new Set((pod.spec.volumes ?? []).map((v) => v.name));
  ops.push(
    ...appendOps(
      '/spec/volumes',
      pod.spec.volumes,
      volumes.volumes.filter((v) => !taken.has(v.name)),
    ),
  );

  const envoyAt = pod.spec.containers.findIndex((x) => x.name === ENVOY_CONTAINER);
  if (member.kind === 'virtualGateway') {
    // The gateway's own Envoy container becomes a Plexus-bootstrapped Envoy (the controller overrode its image).
    if (envoyAt < 0) {
      throw new AnnotationError(
        `virtual gateway ${member.mesh}/${member.name}: the pod has no container named '${ENVOY_CONTAINER}' to run it`,
      );
    }
    const base = pod.spec.containers[envoyAt]!;
    ops.push({
      op: 'replace',
      path: `/spec/containers/${envoyAt}`,
      value: envoyContainer(c, member, annotations, volumes, base),
    });
    return ops;
  }

  const p = proxyConfig(c, member, annotations);
  if (usesCni(pod)) {
    const merged = { ...cniAnnotations(p), ...annotations };
    if (!pod.metadata.annotations) ops.push({ op: 'add', path: '/metadata/annotations', value: merged });
    else {
      for (const [k, v] of Object.entries(merged)) {
        if (!(k in annotations)) ops.push({ op: 'add', path: `/metadata/annotations/${seg(k)}`, value: v });
      }
    }
  } else if (!(pod.spec.initContainers ?? []).some((x) => x.name === PROXY_INIT_CONTAINER)) {
    ops.push(
      ...appendOps('/spec/initContainers', pod.spec.initContainers, [proxyInitContainer(c, p, annotations)]),
    );
  }
  if (envoyAt < 0) {
    ops.push({
      op: 'add',
      path: '/spec/containers/-',
      value: envoyContainer(c, member, annotations, volumes),
    });
  }
  return ops;
}
