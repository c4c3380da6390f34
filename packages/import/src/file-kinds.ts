import type { SourceFile } from '@plexus/spec';
import { isCdkManifest } from './cdk/manifest.ts';
import { isTemplateFile } from './cloudformation/reader.ts';
import { isTerraformFile } from './terraform/reader.ts';
import { ValuesScope } from './values/scope.ts';

/** What one file is to the import readers, judged from its own path and content alone. */
export interface FileKinds {
  manifest: boolean;
  values: boolean;
  terraform: boolean;
  template: boolean;
}

export function fileKinds(f: SourceFile): FileKinds {
  return {
    manifest: isCdkManifest(f),
    values: ValuesScope.isValuesFile(f.path),
    terraform: isTerraformFile(f),
    template: isTemplateFile(f),
  };
}

/**
 * The kinds of a stream of file sets, each file judged once per content: a file whose path and content are
 * those of the previous set keeps its kinds (the content tests scan whole files, so a large tree re-judged
 * at every commit costs more than the commit). `next()` starts a new set; only the latest set is kept.
 */
export class FileKindMemo {
  private previous = new Map<string, { content: string; kinds: FileKinds }>();
  private current = new Map<string, { content: string; kinds: FileKinds }>();
  /** Files judged (not taken from the memo) since the latest next(). */
  judged = 0;

  next(): void {
    this.previous = this.current;
    this.current = new Map();
    this.judged = 0;
  }

  of(f: SourceFile): FileKinds {
    const known = this.current.get(f.path) ?? this.previous.get(f.path);
    if (known && known.content === f.content) {
      this.current.set(f.path, known);
      return known.kinds;
    }
    this.judged++;
    const entry = { content: f.content, kinds: fileKinds(f) };
    this.current.set(f.path, entry);
    return entry.kinds;
  }
}
