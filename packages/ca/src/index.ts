export type { CaBackend, LeafRequest, SignedLeaf } from './backend.ts';
export { AwsPcaCa, type AwsPcaCaOptions } from './backends/aws-pca.ts';
export { FilesCa, type FilesCaOptions } from './backends/files.ts';
export { GeneratedCa, type GeneratedCaOptions } from './backends/generated.ts';
export { DEFAULT_LEAF_LIFETIME_MS, type IssuedCertificate, MeshCa, type MeshCaOptions } from './mesh-ca.ts';
export { MeshCertificates, type MeshCertificatesOptions, type SecretSink } from './mesh-certificates.ts';
export { adsSecretNames, type CertificateNeeds, certificateNeeds, providedServiceNames } from './needs.ts';
export { certificateSecret, type EnvoySecret, trustBundleSecret } from './secrets.ts';
