import type { SourceFile } from '@plexus/spec';
import type { StackSource } from '../cloudformation/read-stacks.ts';
import { addCliParameters, cliParameters } from '../cloudformation/reader.ts';
import { parseTemplate } from '../cloudformation/template-nodes.ts';
import type { Findings } from '../model/diagnostics.ts';
import { locate } from '../model/located.ts';
import { dirOf, type ValuesScope } from '../values/scope.ts';
import type { ValueEntry, Values } from '../values/values-file.ts';

/** A cloud assembly's manifest (`cdk.out/manifest.json`), the parts Plexus reads. */
interface Manifest {
  artifacts?: Record<
    string,
    {
      type?: string;
      environment?: string;
      displayName?: string;
      properties?: { templateFile?: string; stackName?: string; parameters?: Record<string, string> };
    }
  >;
}

export function isCdkManifest(file: SourceFile): boolean {
  return (
    /(^|\/)manifest\.json$/.test(file.path) &&
    /"artifacts"\s*:/.test(file.content) &&
    /"aws:cloudformation:stack"/.test(file.content)
  );
}

export interface CdkInput {
  manifests: readonly SourceFile[];
  byPath: ReadonlyMap<string, SourceFile>;
  scope: ValuesScope;
  parameters?: SourceFile;
  findings: Findings;
}

/** Paths of every template a manifest names (so the plain CloudFormation reader leaves them alone). */
export function cdkTemplatePaths(manifest: SourceFile): string[] {
  const m = parseManifest(manifest);
  const dir = dirOf(manifest.path);
  return Object.values(m?.artifacts ?? {})
    .filter((a) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map((a) => join(dir, a.properties!.templateFile!));
}

/**
 * The stacks of a `cdk.out` directory, as CloudFormation templates: the manifest names each stack's template,
 * its stack name and its environment (`aws://account/region`, giving AWS::AccountId and AWS::Region unless a
 * values file says otherwise). Nested assemblies (CDK stages) have manifests of their own.
 */
export function cdkStacks(input: CdkInput): StackSource[] {
  const cli = cliParameters(input);
  const out: StackSource[] = [];
  for (const file of input.manifests) {
    const manifest = parseManifest(file);
    if (!manifest) {
      input.findings.error({ file: file.path, line: 1, col: 1 }, '', 'CDK manifest.json is not valid JSON');
      continue;
    }
    const dir = dirOf(file.path);
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const templatePath = join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
      const template = input.byPath.get(templatePath);
      const at = { file: file.path, line: lineOf(file.content, `"${id}"`), col: 1 };
      if (!template) {
        input.findings.error(
          at,
          `artifacts.${id}`,
          `CDK stack ${id}: its template ${templatePath} is not in the input`,
        );
        continue;
      }
      const parsed = parseTemplate(template);
      for (const e of parsed.errors) input.findings.error(e.pos, '', `CDK template: ${e.message}`);
      if (parsed.root?.t !== 'map') continue;
      const stackName = artifact.properties?.stackName ?? id;
      const keys = () => [stackName, id];
      const values = withEnvironment(input.scope.forFile(templatePath, keys), artifact.environment, at);
      const parameters = new Map<string, { entry: ValueEntry; origin: string }>();
      for (const [k, e] of values.parameters)
        parameters.set(k, { entry: e, origin: `from ${e.pos.file}:${e.pos.line}` });
      for (const [k, v] of Object.entries(artifact.properties?.parameters ?? {})) {
        parameters.set(k, { entry: { value: locate(v, at), pos: at }, origin: `from ${file.path}` });
      }
      addCliParameters(parameters, cli);
      out.push({
        file: templatePath,
        root: parsed.root,
        stackName,
        values,
        parameters,
        describe: `CDK stack ${stackName} (${artifact.displayName ?? id})`,
      });
    }
  }
  return out;
}

/** `aws://111122223333/us-west-2` fills in region and account where the values do not. */
function withEnvironment(
  values: Values,
  environment: string | undefined,
  at: { file: string; line: number; col: number },
): Values {
  const m = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment ?? '');
  if (!m) return values;
  const out = { ...values };
  if (!out.accountId && m[1] !== 'unknown-account') out.accountId = { value: locate(m[1], at), pos: at };
  if (!out.region && m[2] !== 'unknown-region') out.region = { value: locate(m[2], at), pos: at };
  return out;
}

function parseManifest(file: SourceFile): Manifest | undefined {
  try {
    return JSON.parse(file.content) as Manifest;
  } catch {
    return undefined;
  }
}

function join(dir: string, rel: string): string {
  const parts = [...(dir ? dir.split('/') : []), ...rel.split('/')];
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return (dir.startsWith('/') ? '/' : '') + out.join('/');
}

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  return i === -1 ? 1 : text.slice(0, i).split('\n').length;
}
