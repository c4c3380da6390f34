export { type AuthorizerOptions, bearerOf, createAuthorizer } from './authorizer.ts';
export { ClientCertificateAuthenticator } from './methods/client-certificate.ts';
export { fillPattern, matchesNode, patternError } from './node-pattern.ts';
export { DEFAULT_TRUST_DOMAIN, proxyKeyOfSpiffeId, spiffeIdOf, uriSans } from './spiffe.ts';
export { type ReloadEvent, ReloadingServerCredentials } from './tls/reloading-credentials.ts';
export { readTlsFiles, type TlsFiles, type TlsMaterial } from './tls/tls-files.ts';
export type { Authenticator, Caller, Principal } from './types.ts';
