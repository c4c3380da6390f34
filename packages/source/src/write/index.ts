export {
  type CommitAuthor,
  type CommitFilesRequest,
  type CommitFilesResult,
  commitFiles,
} from './commit-files.ts';
export { compareAndSwapRef, HeadMovedError, readRef } from './ref-cas.ts';
export type { FileChange } from './tree-edit.ts';
