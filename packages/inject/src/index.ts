export { A as ANNOTATIONS, ADMIN_PORT, EGRESS_PORT, INGRESS_PORT, PROXY_UID } from './annotations.ts';
export {
  type BootstrapFiles,
  DEFAULT_INIT_IMAGE,
  DEFAULT_SIDECAR_IMAGE,
  defaultInjectConfig,
  type InjectConfig,
} from './config.ts';
export type * from './k8s-types.ts';
export { type Designation, MeshIndex, type MeshMember } from './mesh-index.ts';
export { podPatch } from './mutate.ts';
export { BadReview, type NamespaceDefault, parseReview, type ReviewContext, reviewPod } from './review.ts';
export { startWebhookServer, type WebhookServer, type WebhookServerOptions } from './server.ts';
export { AnnotationError, nodeIdOf } from './sidecar.ts';
