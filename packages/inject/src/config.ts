/** How `plexus inject` builds sidecars: images, resources, and how the sidecar reaches Plexus. */

/** Files the sidecar finds in its container, for its bootstrap. */
export interface BootstrapFiles {
  /** CA bundle that signed the xDS server certificate (mounted when `xdsCa` is set). */
  xdsCaFile?: string;
  /** Projected service-account token (audience `tokenAudience`), sent as `authorization: Bearer`. */
  tokenFile?: string;
  adminPort: number;
}

export interface InjectConfig {
  /** Envoy image of the sidecar (and of virtual gateway pods). */
  sidecarImage: string;
  /** Proxy-init image: App Mesh's route manager, which reads the APPMESH_* variables and installs iptables. */
  initImage: string;
  /** The Envoy bootstrap for a node id (the CLI wires @plexus/daemon's envoyBootstrap to the xDS address). */
  bootstrap: (nodeId: string, files: BootstrapFiles) => object;
  /** A Secret or ConfigMap in the pod's namespace holding the xDS CA bundle under `key`: TLS to Plexus. */
  xdsCa?: { secretName?: string; configMapName?: string; key: string };
  /** Audience of the projected service-account token the sidecar presents (with TLS only). */
  tokenAudience: string;
  tokenExpirationSeconds: number;
  /** APPMESH_EGRESS_IGNORED_IP unless the pod's annotation says otherwise (the controller's default). */
  egressIgnoredIPs: string;
  logLevel: string;
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit?: string;
  memoryLimit?: string;
}

export const DEFAULT_SIDECAR_IMAGE = 'envoyproxy/envoy:v1.40.0';
export const DEFAULT_INIT_IMAGE = 'public.ecr.aws/appmesh/aws-appmesh-proxy-route-manager:v7-prod';

export function defaultInjectConfig(bootstrap: InjectConfig['bootstrap']): InjectConfig {
  return {
    sidecarImage: DEFAULT_SIDECAR_IMAGE,
    initImage: DEFAULT_INIT_IMAGE,
    bootstrap,
    tokenAudience: 'plexus',
    tokenExpirationSeconds: 3600,
    egressIgnoredIPs: '169.254.169.254',
    logLevel: 'info',
    cpuRequest: '10m',
    memoryRequest: '32Mi',
  };
}

export const XDS_CA_DIR = '/etc/plexus/xds-ca';
export const TOKEN_DIR = '/var/run/secrets/plexus';
