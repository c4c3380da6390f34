import type { LoadResult, SourceFile } from '../model/resource.ts';
import { ValidationMemo } from '../validate/validation-memo.ts';
import type { FormatReader, FormatReadResult } from './format-reader.ts';
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
 * follows the size of the current tree. Resources of unchanged files are the same objects across calls, and
 * their validation findings are reused while what they reference is unchanged.
 */
export function createSpecLoader(defaults: LoadOptions = {}): SpecLoader {
  let memo = new Map<string, { content: string; load: FileLoad }>();
  // A reader's result is reused while every file it claimed is the same (same paths, same contents).
  let groups = new Map<FormatReader, { files: SourceFile[]; result: FormatReadResult }>();
  // Resources of unchanged files are the same objects, so their findings are reused (see ValidationMemo).
  const validation = new ValidationMemo();

  const load = (files: SourceFile[], given: LoadOptions = {}): LoadResult => {
    const opts = { ...defaults, ...given };
    const previous = memo;
    const next = new Map<string, { content: string; load: FileLoad }>();
    const previousGroups = groups;
    const nextGroups = new Map<FormatReader, { files: SourceFile[]; result: FormatReadResult }>();
    const readOne = (reader: FormatReader, claimed: SourceFile[]): FormatReadResult => {
      const known = previousGroups.get(reader);
      const entry =
        known && sameFiles(known.files, claimed) ? known : { files: claimed, result: reader.read(claimed) };
      nextGroups.set(reader, entry);
      return entry.result;
    };
    const result = loadFiles(
      files,
      opts,
      (file) => {
        const known = next.get(file.path) ?? previous.get(file.path);
        if (known && known.content === file.content) {
          next.set(file.path, known);
          return known.load;
        }
        const entry = { content: file.content, load: loadFile(file) };
        next.set(file.path, entry);
        return entry.load;
      },
      readOne,
    );
    memo = next;
    groups = nextGroups;
    return result;
  };

  return {
    loadFiles: load,
    loadAndValidate: (files, opts = {}) =>
      validateLoaded(load(files, opts), { ...defaults, ...opts, memo: validation }),
    get size() {
      return memo.size;
    },
  };
}

function sameFiles(a: readonly SourceFile[], b: readonly SourceFile[]): boolean {
  return a.length === b.length && a.every((f, i) => f.path === b[i].path && f.content === b[i].content);
}
