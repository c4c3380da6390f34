export { type ApiKey, ApiKeysError, loadApiKeys, parseApiKeys, parseAuthor } from './auth/api-keys.ts';
export { type ReceivedRequest, verifySigV4 } from './auth/sigv4.ts';
export { ApiError, type ApiErrorCode } from './errors.ts';
export { type ApiLog, type AppliedState, type AppMeshApiOptions, createAppMeshApi } from './handler.ts';
export { arnOf, KIND_INFO, keyOfArn, type ResourceKey } from './kinds.ts';
export { GitHistoryMetadata, type MetadataSource, type ResourceMetadata, SeenMetadata } from './metadata.ts';
export { API_PREFIX, matchOperation, type Operation } from './operations.ts';
export type { ApiIdentity } from './shapes.ts';
export { stableJson } from './stable-json.ts';
export { editInHead } from './write/plans.ts';
export {
  type ApplyState,
  type Head,
  type Plan,
  type Planned,
  type RepoTarget,
  RepoWriter,
  type RepoWriterOptions,
  type WriteOutcome,
} from './write/repo-writer.ts';
