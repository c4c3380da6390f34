import type { FormatReader, FormatReadResult, SourceFile } from '@plexus/spec';
import { cdkStacks, cdkTemplatePaths } from './cdk/manifest.ts';
import { cloudFormationStacks, parametersFileNames, readStacks } from './cloudformation/reader.ts';
import { FileKindMemo, type FileKinds } from './file-kinds.ts';
import { Findings } from './model/diagnostics.ts';
import type { HclParser } from './terraform/hcl-grammar.ts';
import { readTerraform } from './terraform/reader.ts';
import { dirOf, ValuesScope } from './values/scope.ts';
import { parseValuesFile, type Values } from './values/values-file.ts';

export interface ImportOptions {
  /** `--parameters FILE`: CloudFormation parameters (any of the accepted forms) or Terraform variables. */
  parameters?: SourceFile;
  /** `--values FILE`: a values file over the tree's `plexus-values.yaml` files. */
  values?: SourceFile;
  /** The HCL parser (loadHclParser); without it Terraform configurations are refused with why. */
  hcl?: HclParser;
}

/** What a load's files are to the import readers. */
interface Classified {
  templates: SourceFile[];
  besides: Map<string, SourceFile>;
  values: SourceFile[];
  manifests: SourceFile[];
  /** Files of a cdk.out directory besides its manifest (templates, asset manifests, tree.json). */
  assembly: SourceFile[];
  terraform: SourceFile[];
  byPath: Map<string, SourceFile>;
}

function classify(files: readonly SourceFile[], kindsOf: (f: SourceFile) => FileKinds): Classified {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: Classified = {
    templates: [],
    besides: new Map(),
    values: [],
    manifests: [],
    assembly: [],
    terraform: [],
    byPath,
  };
  const assemblyDirs = new Set<string>();
  const cdkTemplates = new Set<string>();
  const kinds = files.map(kindsOf);
  for (const [i, f] of files.entries()) {
    if (!kinds[i].manifest) continue;
    out.manifests.push(f);
    assemblyDirs.add(dirOf(f.path));
    for (const t of cdkTemplatePaths(f)) cdkTemplates.add(t);
  }
  for (const [i, f] of files.entries()) {
    const k = kinds[i];
    if (k.manifest) continue;
    if (cdkTemplates.has(f.path) || (assemblyDirs.has(dirOf(f.path)) && f.path.endsWith('.json')))
      out.assembly.push(f);
    else if (k.values) out.values.push(f);
    else if (k.terraform) out.terraform.push(f);
    else if (k.template) out.templates.push(f);
  }
  for (const t of out.templates) {
    for (const name of parametersFileNames(t.path)) {
      const p = byPath.get(name);
      if (p) out.besides.set(name, p);
    }
  }
  return out;
}

/** The import readers' FormatReader, with what its latest claim cost. */
export interface ImportReader extends FormatReader {
  /** Files whose kinds the latest claim (and the read after it) judged from their text, not from memory. */
  readonly judged: number;
}

/**
 * The one FormatReader for every IaC format (@plexus/spec's loader offers it the files first): CloudFormation
 * templates with the parameter files beside them, CDK cloud assemblies, Terraform configurations and
 * `terraform show -json` output, and the tree's values files. Pure (the HCL grammar is loaded beforehand).
 */
export function createImportReader(options: ImportOptions = {}): ImportReader {
  // The command line's files are parsed once; their problems are reported with every load.
  const optionFindings = new Findings();
  const overrides: Values[] = options.values ? [parseValuesFile(options.values, optionFindings)] : [];
  // claim() sees every file of a load, read() the claimed ones: each file's kinds are judged once per content.
  const kinds = new FileKindMemo();
  const kindsOf = (f: SourceFile) => kinds.of(f);
  return {
    name: 'import',
    get judged() {
      return kinds.judged;
    },
    claim(files) {
      kinds.next();
      const c = classify(files, kindsOf);
      return [
        ...c.values,
        ...c.templates,
        ...c.besides.values(),
        ...c.manifests,
        ...c.assembly,
        ...c.terraform,
      ];
    },
    read(files): FormatReadResult {
      const c = classify(files, kindsOf);
      const findings = new Findings();
      findings.list.push(...optionFindings.list);
      const scope = new ValuesScope(c.values, overrides, findings);
      const result: FormatReadResult = { resources: [], diagnostics: [], skipped: [] };
      const stacks = [
        ...cloudFormationStacks({
          templates: c.templates,
          besides: c.besides,
          scope,
          parameters: options.parameters,
          findings,
        }),
        ...cdkStacks({
          manifests: c.manifests,
          byPath: c.byPath,
          scope,
          parameters: options.parameters,
          findings,
        }),
      ];
      const read = readStacks(stacks);
      result.resources.push(...read.resources);
      result.diagnostics.push(...read.diagnostics);
      result.skipped.push(...read.skipped);
      const tf = readTerraform({
        files: c.terraform,
        hcl: options.hcl,
        scope,
        parameters: options.parameters,
        findings,
      });
      result.resources.push(...tf.resources);
      result.diagnostics.push(...tf.diagnostics);
      result.skipped.push(...tf.skipped);
      const templates = new Set(stacks.map((s) => s.file));
      const skip = (f: SourceFile, reason: string) => result.skipped.push({ file: f.path, line: 1, reason });
      for (const f of c.values) skip(f, 'values file (read by the import readers)');
      for (const f of c.besides.values()) skip(f, 'CloudFormation parameters file');
      for (const f of c.manifests) skip(f, 'CDK cloud assembly manifest');
      for (const f of c.assembly)
        if (!templates.has(f.path)) skip(f, 'CDK cloud assembly file (not a stack template)');
      result.diagnostics.push(...findings.list);
      return result;
    },
  };
}

/** The import readers with the HCL grammar loaded (what the CLI and the daemon pass to the spec loader). */
export async function createImportReaders(options: Omit<ImportOptions, 'hcl'> = {}): Promise<FormatReader[]> {
  const { loadHclParser } = await import('./terraform/hcl-grammar.ts');
  return [createImportReader({ ...options, hcl: await loadHclParser() })];
}
