import { fileURLToPath } from 'node:url';
import type { SourceFile } from '@plexus/spec';
import { Language, Parser } from 'web-tree-sitter';
import type { HclFile } from './hcl-ast.ts';
import { toHclFile } from './hcl-convert.ts';

/** Parses HCL text (Terraform configurations and .tfvars) into Plexus' HCL tree. Sync once loaded. */
export interface HclParser {
  parse(file: SourceFile): HclFile;
}

let loading: Promise<HclParser> | undefined;

/**
 * Loads the HCL grammar (WebAssembly, shipped in @tree-sitter-grammars/tree-sitter-hcl; no network) once per
 * process. Parsing is synchronous afterwards, so the spec stage stays a plain function.
 */
export function loadHclParser(): Promise<HclParser> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = fileURLToPath(
      import.meta.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'),
    );
    const language = await Language.load(wasm);
    const parser = new Parser();
    parser.setLanguage(language);
    return {
      parse(file: SourceFile): HclFile {
        const tree = parser.parse(file.content);
        if (!tree)
          return {
            path: file.path,
            body: { attributes: [], blocks: [] },
            errors: [{ pos: { file: file.path, line: 1, col: 1 }, message: 'HCL parser gave no tree' }],
          };
        try {
          return toHclFile(file, tree.rootNode);
        } finally {
          tree.delete();
        }
      },
    };
  })();
  return loading;
}
