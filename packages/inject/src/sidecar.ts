/** The containers and volumes the App Mesh controller added to a pod, pointed at Plexus instead. */
import {
  A,
  ADMIN_PORT,
  EGRESS_PORT,
  ENVOY_CONTAINER,
  INGRESS_PORT,
  PROXY_INIT_CONTAINER,
  PROXY_UID,
} from './annotations.ts';
import { type BootstrapFiles, type InjectConfig, TOKEN_DIR, XDS_CA_DIR } from './config.ts';
import type { Container, EnvVar, Volume, VolumeMount } from './k8s-types.ts';
import type { MeshMember } from './mesh-index.ts';

/** A bad annotation: the pod is refused with this message, as the controller refused it. */
export class AnnotationError extends Error {}

export function nodeIdOf(m: MeshMember): string {
  return `mesh/${m.mesh}/${m.kind}/${m.name}`;
}

function pairs(
  annotations: Record<string, string>,
  key: string,
  sep: string,
  what: string,
): [string, string][] {
  const v = annotations[key];
  if (!v) return [];
  return v.split(',').map((segment) => {
    const i = segment.indexOf(sep);
    const k = i < 0 ? '' : segment.slice(0, i).trim();
    const val = i < 0 ? '' : segment.slice(i + 1).trim();
    if (!k || !val)
      throw new AnnotationError(`malformed annotation ${key}: '${segment.trim()}', expected ${what}`);
    return [k, val];
  });
}

function customEnv(annotations: Record<string, string>): EnvVar[] {
  const env = new Map(pairs(annotations, A.sidecarEnv, '=', 'NAME=value[, NAME=value]'));
  const json = annotations[A.sidecarEnvJson];
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new AnnotationError(`malformed annotation ${A.sidecarEnvJson}: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed))
      throw new AnnotationError(`malformed annotation ${A.sidecarEnvJson}: expected a JSON list of objects`);
    for (const o of parsed) {
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) env.set(k, String(v));
    }
  }
  return [...env].map(([name, value]) => ({ name, value }));
}

function resources(c: InjectConfig, annotations: Record<string, string>) {
  const requests = {
    cpu: annotations[A.cpuRequest] ?? c.cpuRequest,
    memory: annotations[A.memoryRequest] ?? c.memoryRequest,
  };
  const cpuLimit = annotations[A.cpuLimit] ?? c.cpuLimit;
  const memoryLimit = annotations[A.memoryLimit] ?? c.memoryLimit;
  const limits = {
    ...(cpuLimit ? { cpu: cpuLimit } : {}),
    ...(memoryLimit ? { memory: memoryLimit } : {}),
  };
  return Object.keys(limits).length ? { requests, limits } : { requests };
}

/** Volumes the sidecar needs and where it mounts them. */
export interface SidecarVolumes {
  volumes: Volume[];
  mounts: VolumeMount[];
  files: BootstrapFiles;
}

export function sidecarVolumes(c: InjectConfig, annotations: Record<string, string>): SidecarVolumes {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  const files: BootstrapFiles = { adminPort: ADMIN_PORT };
  for (const [secretName, mountPath] of pairs(annotations, A.secretMounts, ':', 'secretName:mountPath')) {
    volumes.push({ name: secretName, secret: { secretName } });
    mounts.push({ name: secretName, mountPath, readOnly: true });
  }
  for (const [name, mountPath] of pairs(annotations, A.volumeMounts, ':', 'volumeName:mountPath')) {
    mounts.push({ name, mountPath });
  }
  if (c.xdsCa) {
    const items = [{ key: c.xdsCa.key, path: 'ca.crt' }];
    volumes.push({
      name: 'plexus-xds-ca',
      ...(c.xdsCa.secretName
        ? { secret: { secretName: c.xdsCa.secretName, items } }
        : { configMap: { name: c.xdsCa.configMapName, items } }),
    });
    mounts.push({ name: 'plexus-xds-ca', mountPath: XDS_CA_DIR, readOnly: true });
    // The Kubernetes identity (TokenReview): a short-lived token for Plexus alone, refreshed by the kubelet.
    volumes.push({
      name: 'plexus-token',
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: c.tokenAudience,
              expirationSeconds: c.tokenExpirationSeconds,
              path: 'token',
            },
          },
        ],
      },
    });
    mounts.push({ name: 'plexus-token', mountPath: TOKEN_DIR, readOnly: true });
    files.xdsCaFile = `${XDS_CA_DIR}/ca.crt`;
    files.tokenFile = `${TOKEN_DIR}/token`;
  }
  return { volumes, mounts, files };
}

/** The Envoy container: `envoy --config-yaml <bootstrap>`, uid 1337, admin on 9901 as App Mesh had it. */
export function envoyContainer(
  c: InjectConfig,
  member: MeshMember,
  annotations: Record<string, string>,
  v: SidecarVolumes,
  base?: Container,
): Container {
  const node = nodeIdOf(member);
  const skipImage = member.kind === 'virtualGateway' && annotations[A.gatewaySkipImageOverride] === 'enabled';
  const managed: EnvVar[] = [
    { name: 'APPMESH_RESOURCE_ARN', value: node },
    { name: 'APPMESH_VIRTUAL_NODE_NAME', value: node },
  ];
  const managedNames = new Set(managed.map((e) => e.name));
  const custom = customEnv(annotations).filter((e) => !managedNames.has(e.name));
  const baseEnv = (base?.env ?? []).filter(
    (e) => !managedNames.has(e.name) && !custom.some((x) => x.name === e.name),
  );
  return {
    ...base,
    name: ENVOY_CONTAINER,
    image: skipImage && base?.image ? base.image : c.sidecarImage,
    command: ['envoy'],
    args: [
      '--config-yaml',
      JSON.stringify(c.bootstrap(node, v.files)),
      '--log-level',
      c.logLevel,
      '--drain-time-s',
      '20',
    ],
    env: [...baseEnv, ...managed, ...custom],
    ports: base?.ports?.length
      ? base.ports
      : [{ containerPort: v.files.adminPort, name: 'stats', protocol: 'TCP' }],
    securityContext: { ...(base?.securityContext ?? {}), runAsUser: PROXY_UID, runAsGroup: PROXY_UID },
    readinessProbe: base?.readinessProbe ?? {
      httpGet: { path: '/ready', port: v.files.adminPort },
      initialDelaySeconds: 1,
      periodSeconds: 10,
    },
    resources:
      base?.resources && Object.keys(base.resources).length ? base.resources : resources(c, annotations),
    volumeMounts: [...(base?.volumeMounts ?? []), ...v.mounts],
  };
}

/** What proxy init redirects (the controller's proxyConfig, with the pod's annotations). */
export interface ProxyConfig {
  appPorts: string;
  egressIgnoredPorts: string;
  egressIgnoredIPs: string;
  enableIPv6: boolean;
}

export function proxyConfig(
  c: InjectConfig,
  member: MeshMember,
  annotations: Record<string, string>,
): ProxyConfig {
  return {
    appPorts: annotations[A.ports] ?? member.ports.join(','),
    egressIgnoredPorts: annotations[A.egressIgnoredPorts] ?? '22',
    egressIgnoredIPs: annotations[A.egressIgnoredIPs] ?? c.egressIgnoredIPs,
    enableIPv6: annotations[A.ipv6] !== 'disabled',
  };
}

/** The `proxyinit` init container: App Mesh's iptables rules, driven by the APPMESH_* variables. */
export function proxyInitContainer(
  c: InjectConfig,
  p: ProxyConfig,
  annotations: Record<string, string>,
): Container {
  return {
    name: PROXY_INIT_CONTAINER,
    image: c.initImage,
    securityContext: { capabilities: { add: ['NET_ADMIN'] } },
    env: [
      { name: 'APPMESH_START_ENABLED', value: '1' },
      { name: 'APPMESH_IGNORE_UID', value: String(PROXY_UID) },
      { name: 'APPMESH_ENVOY_INGRESS_PORT', value: String(INGRESS_PORT) },
      { name: 'APPMESH_ENVOY_EGRESS_PORT', value: String(EGRESS_PORT) },
      { name: 'APPMESH_APP_PORTS', value: p.appPorts },
      { name: 'APPMESH_EGRESS_IGNORED_IP', value: p.egressIgnoredIPs },
      { name: 'APPMESH_EGRESS_IGNORED_PORTS', value: p.egressIgnoredPorts },
      { name: 'APPMESH_ENABLE_IPV6', value: p.enableIPv6 ? '1' : '0' },
    ],
    resources: resources(c, annotations),
  };
}

/** App Mesh CNI (annotation or Fargate) reads these pod annotations instead of running an init container. */
export function cniAnnotations(p: ProxyConfig): Record<string, string> {
  return {
    [A.ports]: p.appPorts,
    [A.egressIgnoredIPs]: p.egressIgnoredIPs,
    [A.egressIgnoredPorts]: p.egressIgnoredPorts,
    [A.proxyEgressPort]: String(EGRESS_PORT),
    [A.proxyIngressPort]: String(INGRESS_PORT),
    [A.ignoredUID]: String(PROXY_UID),
    [A.inject]: 'enabled',
  };
}
