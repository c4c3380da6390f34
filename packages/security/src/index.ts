export { type AdminTokenEntry, AdminTokens, sha256Hex } from './admin-tokens.ts';
export { type AuthorizerOptions, bearerOf, createAuthorizer } from './authorizer.ts';
export { AwsIamLogin, type AwsLoginOptions, type AwsRoleBinding, type LoginResult } from './aws/aws-login.ts';
export { type CallerIdentity, principalOf, verifyCallerIdentity } from './aws/caller-identity.ts';
export { SERVER_ID_HEADER, type SignedStsRequest, signGetCallerIdentity } from './aws/presign.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { ClientCertificateAuthenticator } from './methods/client-certificate.ts';
export { DiscoveryBoundAuthenticator, type DiscoveryBoundOptions } from './methods/discovery-bound.ts';
export {
  KubernetesAuthenticator,
  type KubernetesAuthOptions,
  type KubernetesBinding,
} from './methods/kubernetes.ts';
export { NodeTokenAuthenticator } from './methods/node-token.ts';
export { ServiceAccountAuthenticator } from './methods/service-account.ts';
export { fillPattern, matchesNode, patternError } from './node-pattern.ts';
export {
  type RegisteredKey,
  SERVICE_ACCOUNT_FILE_NAME,
  type ServiceAccountKeyFile,
  ServiceAccountKeys,
} from './service-accounts/key-registry.ts';
export { DEFAULT_TRUST_DOMAIN, proxyKeyOfSpiffeId, spiffeIdOf, uriSans } from './spiffe.ts';
export { type ReloadEvent, ReloadingServerCredentials } from './tls/reloading-credentials.ts';
export { readTlsFiles, type TlsFiles, type TlsMaterial } from './tls/tls-files.ts';
export { DEFAULT_MAX_TTL_MS, KEY_FILE_NAME, NodeTokenKeys } from './tokens/key-store.ts';
export {
  DEFAULT_TOKEN_TTL_MS,
  issueNodeToken,
  NODE_TOKEN_AUDIENCE,
  NODE_TOKEN_ISSUER,
  verifyNodeToken,
} from './tokens/node-token.ts';
export type { Authenticator, Caller, Principal } from './types.ts';
