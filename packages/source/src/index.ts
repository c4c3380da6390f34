export { createSource } from './create-source.ts';
export { DirectorySource } from './directory/directory-source.ts';
export { hashFiles } from './directory/read-directory.ts';
export { redact, SourceError, type SourceErrorCode } from './errors.ts';
export { type LocalRepo, locateLocalRepo } from './git/locate.ts';
export { readSpecFilesAtCommit } from './git/read-tree.ts';
export { resolveRevision } from './git/resolve-revision.ts';
export { GitTreeReader } from './git/tree-reader.ts';
export { LocalGitSource } from './local/local-git-source.ts';
export { RemoteGitSource } from './remote/remote-git-source.ts';
export { isSpecFile, SPEC_EXTENSIONS } from './spec-files.ts';
export type {
  CommitInfo,
  ErrorListener,
  Revision,
  RevisionListener,
  Source,
  SourceAuth,
  SourceFile,
  SourceOptions,
} from './types.ts';
export { verifyWebhook, type WebhookVerdict } from './webhook/verify-signature.ts';
export { createWebhookHandler, type WebhookHandlerOptions } from './webhook/webhook-handler.ts';
export {
  type CommitAuthor,
  type CommitFilesRequest,
  type CommitFilesResult,
  commitFiles,
  compareAndSwapRef,
  type FileChange,
  HeadMovedError,
  readRef,
} from './write/index.ts';
