import type { LoadResult, SourceFile } from '../model/resource.ts';
import { type LoadAndValidateResult, validateLoaded } from './load-and-validate.ts';
import { type FileLoad, type LoadOptions, loadFile, loadFiles } from './load-files.ts';

/** loadFiles / loadAndValidate with a memory of the previous call's files. */
export interface SpecLoader {
  loadFiles(files: SourceFile[], opts?: LoadOptions): LoadResult;
  loadAndValidate(files: SourceFile[], opts?: LoadOptions): LoadAndValidateResult;
  /** Files remembered (those of the latest call). */
  readonly size: number;
}

/**
 * A loader for a stream of revisions of one tree: a file whose path and content are the same as in the
 * previous call is not parsed again, its earlier resources, diagnostics and skipped documents are reused.
 * Results are the same as the pure functions'. Only the latest call's files are remembered, so memory
 * follows the size of the current tree. Resources of unchanged files are the same objects across calls.
 */
export function createSpecLoader(): SpecLoader {
  let memo = new Map<string, { content: string; load: FileLoad }>();

  const load = (files: SourceFile[], opts: LoadOptions = {}): LoadResult => {
    const previous = memo;
    const next = new Map<string, { content: string; load: FileLoad }>();
    const result = loadFiles(files, opts, (file) => {
      const known = next.get(file.path) ?? previous.get(file.path);
      if (known && known.content === file.content) {
        next.set(file.path, known);
        return known.load;
      }
      const entry = { content: file.content, load: loadFile(file) };
      next.set(file.path, entry);
      return entry.load;
    });
    memo = next;
    return result;
  };

  return {
    loadFiles: load,
    loadAndValidate: (files, opts = {}) => validateLoaded(load(files, opts), opts),
    get size() {
      return memo.size;
    },
  };
}
