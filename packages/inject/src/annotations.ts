/**
 * The App Mesh controller's labels and annotations (aws-app-mesh-controller-for-k8s pkg/inject/constants.go),
 * which users already carry on their namespaces and pods; Plexus reads them with the same meaning.
 */
export const A = {
  /** Namespace label (enabled | disabled: the default) and pod annotation (overrides it). */
  inject: 'appmesh.k8s.aws/sidecarInjectorWebhook',
  /** Legacy (v1beta1 injector) pod annotations naming the mesh and the virtual node outright. */
  mesh: 'appmesh.k8s.aws/mesh',
  virtualNode: 'appmesh.k8s.aws/virtualNode',
  ports: 'appmesh.k8s.aws/ports',
  egressIgnoredPorts: 'appmesh.k8s.aws/egressIgnoredPorts',
  egressIgnoredIPs: 'appmesh.k8s.aws/egressIgnoredIPs',
  ipv6: 'appmesh.k8s.aws/ipv6',
  cni: 'appmesh.k8s.aws/appmeshCNI',
  ignoredUID: 'appmesh.k8s.aws/ignoredUID',
  proxyEgressPort: 'appmesh.k8s.aws/proxyEgressPort',
  proxyIngressPort: 'appmesh.k8s.aws/proxyIngressPort',
  cpuRequest: 'appmesh.k8s.aws/cpuRequest',
  memoryRequest: 'appmesh.k8s.aws/memoryRequest',
  cpuLimit: 'appmesh.k8s.aws/cpuLimit',
  memoryLimit: 'appmesh.k8s.aws/memoryLimit',
  secretMounts: 'appmesh.k8s.aws/secretMounts',
  volumeMounts: 'appmesh.k8s.aws/volumeMounts',
  sidecarEnv: 'appmesh.k8s.aws/sidecarEnv',
  sidecarEnvJson: 'appmesh.k8s.aws/sidecarEnvJson',
  gatewaySkipImageOverride: 'appmesh.k8s.aws/virtualGatewaySkipImageOverride',
} as const;

/** Set by the Fargate scheduler: the controller then uses App Mesh CNI instead of the init container. */
export const FARGATE_PROFILE_LABEL = 'eks.amazonaws.com/fargate-profile';

export const ENVOY_CONTAINER = 'envoy';
export const PROXY_INIT_CONTAINER = 'proxyinit';
export const PROXY_UID = 1337;
export const INGRESS_PORT = 15000;
export const EGRESS_PORT = 15001;
export const ADMIN_PORT = 9901;
