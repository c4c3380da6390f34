import type { SourceFile } from '@plexus/spec';
import type { Findings } from '../model/diagnostics.ts';
import { parseParametersFile } from '../values/parameters-file.ts';
import { baseOf, dirOf, stemOf, templateStackKeys, type ValuesScope } from '../values/scope.ts';
import type { ValueEntry } from '../values/values-file.ts';
import { readStacks, type StackSource, type StacksResult } from './read-stacks.ts';
import { looksLikeTemplate, parseTemplate } from './template-nodes.ts';

export function isTemplateFile(file: SourceFile): boolean {
  return /\.(ya?ml|json|template)$/i.test(file.path) && looksLikeTemplate(file.content);
}

/** `<stem>.parameters.json` or `<stem>.parameters` (K=V lines) beside a template. */
export function parametersFileNames(templatePath: string): string[] {
  const dir = dirOf(templatePath);
  const stem = stemOf(baseOf(templatePath));
  const prefix = dir ? `${dir}/` : '';
  return [`${prefix}${stem}.parameters.json`, `${prefix}${stem}.parameters`];
}

export interface CloudFormationInput {
  templates: readonly SourceFile[];
  /** Parameter files beside templates, by path. */
  besides: ReadonlyMap<string, SourceFile>;
  scope: ValuesScope;
  /** `--parameters FILE`: applies to every template, over everything else. */
  parameters?: SourceFile;
  findings: Findings;
}

/**
 * CloudFormation templates as stacks (read them with readStacks, together with CDK's). Parameter values, first found wins: `--parameters FILE`, the file
 * beside the template, the values file's `stacks.<template>.parameters`, its `parameters`, the Default.
 */
export function cloudFormationStacks(input: CloudFormationInput): StackSource[] {
  const cli = cliParameters(input);
  const sources: StackSource[] = [];
  for (const t of input.templates) {
    const parsed = parseTemplate(t);
    for (const e of parsed.errors) input.findings.error(e.pos, '', `CloudFormation template: ${e.message}`);
    if (!parsed.root) continue;
    if (parsed.root.t !== 'map') {
      input.findings.error(
        parsed.root.pos,
        '',
        'a CloudFormation template is a mapping (Parameters, Resources, ...)',
      );
      continue;
    }
    const keys = templateStackKeys(t.path);
    const stackName = input.scope.stackName(t.path, keys) ?? stemOf(baseOf(t.path));
    const values = input.scope.forFile(t.path, keys);
    const parameters = new Map<string, { entry: ValueEntry; origin: string }>();
    for (const [k, e] of values.parameters)
      parameters.set(k, { entry: e, origin: `from ${e.pos.file}:${e.pos.line}` });
    for (const name of parametersFileNames(t.path)) {
      const f = input.besides.get(name);
      if (!f) continue;
      for (const [k, e] of parseParametersFile(f, input.findings))
        parameters.set(k, { entry: e, origin: `from ${f.path}:${e.pos.line}` });
    }
    addCliParameters(parameters, cli);
    sources.push({
      file: t.path,
      root: parsed.root,
      stackName,
      values,
      parameters,
      describe: `CloudFormation stack ${stackName}`,
    });
  }
  return sources;
}

export function cliParameters(input: {
  parameters?: SourceFile;
  findings: Findings;
}): Map<string, ValueEntry> {
  return input.parameters
    ? parseParametersFile(input.parameters, input.findings)
    : new Map<string, ValueEntry>();
}

export function addCliParameters(
  into: Map<string, { entry: ValueEntry; origin: string }>,
  cli: ReadonlyMap<string, ValueEntry>,
): void {
  for (const [k, e] of cli)
    into.set(k, { entry: e, origin: `from --parameters ${e.pos.file}:${e.pos.line}` });
}

export { readStacks, type StacksResult };
