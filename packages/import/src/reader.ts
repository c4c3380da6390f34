import type { FormatReader, FormatReadResult, SourceFile } from '@plexus/spec';
import { isTemplateFile, parametersFileNames, readCloudFormation } from './cloudformation/reader.ts';
import { Findings } from './model/diagnostics.ts';
import { ValuesScope } from './values/scope.ts';
import { parseValuesFile, type Values } from './values/values-file.ts';

export interface ImportOptions {
  /** `--parameters FILE`: CloudFormation parameters (any of the accepted forms) or Terraform variables. */
  parameters?: SourceFile;
  /** `--values FILE`: a values file over the tree's `plexus-values.yaml` files. */
  values?: SourceFile;
}

/** What a load's files are to the import readers. */
interface Classified {
  templates: SourceFile[];
  besides: Map<string, SourceFile>;
  values: SourceFile[];
}

function classify(files: readonly SourceFile[]): Classified {
  const out: Classified = { templates: [], besides: new Map(), values: [] };
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const f of files) {
    if (ValuesScope.isValuesFile(f.path)) out.values.push(f);
    else if (isTemplateFile(f)) out.templates.push(f);
  }
  for (const t of out.templates) {
    for (const name of parametersFileNames(t.path)) {
      const p = byPath.get(name);
      if (p) out.besides.set(name, p);
    }
  }
  return out;
}

/**
 * The one FormatReader for every IaC format (@plexus/spec's loader offers it the files first): CloudFormation
 * templates with the parameter files beside them, and the values files of the tree. Pure.
 */
export function createImportReader(options: ImportOptions = {}): FormatReader {
  // The command line's files are parsed once; their problems are reported with every load.
  const optionFindings = new Findings();
  const overrides: Values[] = options.values ? [parseValuesFile(options.values, optionFindings)] : [];
  return {
    name: 'import',
    claim(files) {
      const c = classify(files);
      return [...c.values, ...c.templates, ...c.besides.values()];
    },
    read(files): FormatReadResult {
      const c = classify(files);
      const findings = new Findings();
      findings.list.push(...optionFindings.list);
      const scope = new ValuesScope(c.values, overrides, findings);
      const result: FormatReadResult = { resources: [], diagnostics: [], skipped: [] };
      const cfn = readCloudFormation({
        templates: c.templates,
        besides: c.besides,
        scope,
        parameters: options.parameters,
        findings,
      });
      result.resources.push(...cfn.resources);
      result.diagnostics.push(...cfn.diagnostics);
      result.skipped.push(...cfn.skipped);
      for (const f of c.values) result.skipped.push({ file: f.path, line: 1, reason: 'values file (read by the import readers)' });
      for (const f of c.besides.values()) result.skipped.push({ file: f.path, line: 1, reason: 'CloudFormation parameters file' });
      result.diagnostics.push(...findings.list);
      return result;
    },
  };
}
