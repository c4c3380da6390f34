import type { Diagnostic, SkippedDocument, SourceFile, SourcePosition, SpecResource } from '@plexus/spec';
import { parseTemplate } from '../cloudformation/template-nodes.ts';
import type { Findings } from '../model/diagnostics.ts';
import { plain } from '../model/located.ts';
import { dirOf, type ValuesScope } from '../values/scope.ts';
import { toLocated } from '../values/values-file.ts';
import { evaluate } from './evaluate.ts';
import type { Expr } from './hcl-ast.ts';
import type { HclParser } from './hcl-grammar.ts';
import { TerraformModule, type VariableInput } from './module.ts';
import { isTerraformJson, readTerraformJson } from './state.ts';
import { type TfValue, UNKNOWN } from './values.ts';

export function isTerraformFile(file: SourceFile): boolean {
  return /\.(tf|tfvars)$/.test(file.path) || /\.(tf|tfvars)\.json$/.test(file.path) || isTerraformJson(file);
}

/** Terraform loads these variable files from a module's directory by itself, in this order. */
function autoVarFiles(files: readonly SourceFile[]): SourceFile[] {
  const base = (f: SourceFile) => f.path.slice(f.path.lastIndexOf('/') + 1);
  const fixed = ['terraform.tfvars', 'terraform.tfvars.json'];
  const auto = files
    .filter((f) => /\.auto\.tfvars(\.json)?$/.test(base(f)))
    .sort((a, b) => (base(a) < base(b) ? -1 : 1));
  return [...fixed.flatMap((n) => files.filter((f) => base(f) === n)), ...auto];
}

export interface TerraformInput {
  files: readonly SourceFile[];
  hcl?: HclParser;
  scope: ValuesScope;
  /** `--parameters FILE`: a .tfvars file, a .tfvars.json file, or NAME=VALUE lines (like -var). */
  parameters?: SourceFile;
  findings: Findings;
}

/** Every Terraform module (a directory of .tf files) and `terraform show -json` file of the load. */
export function readTerraform(input: TerraformInput): {
  resources: SpecResource[];
  skipped: SkippedDocument[];
  diagnostics: Diagnostic[];
} {
  const out = {
    resources: [] as SpecResource[],
    skipped: [] as SkippedDocument[],
    diagnostics: [] as Diagnostic[],
  };
  const byDir = new Map<string, SourceFile[]>();
  for (const f of input.files) {
    if (isTerraformJson(f)) {
      const r = readTerraformJson(f, input.findings);
      out.resources.push(...r.resources);
      out.skipped.push(...r.skipped);
      continue;
    }
    const d = dirOf(f.path);
    byDir.set(d, [...(byDir.get(d) ?? []), f]);
  }
  for (const [dir, files] of byDir) {
    const configs = files.filter((f) => f.path.endsWith('.tf'));
    for (const f of files.filter((x) => x.path.endsWith('.tf.json'))) {
      input.findings.warning(
        { file: f.path, line: 1, col: 1 },
        '',
        'Terraform JSON configuration syntax (.tf.json) is not read; write it as .tf, or load `terraform show -json` output',
      );
    }
    if (configs.length === 0) {
      for (const f of files)
        out.skipped.push({
          file: f.path,
          line: 1,
          reason: 'Terraform variables file without .tf files beside it',
        });
      continue;
    }
    const hcl = input.hcl;
    if (!hcl) {
      input.findings.error(
        { file: configs[0].path, line: 1, col: 1 },
        '',
        'Terraform files need the HCL parser: load the import readers with createImportReaders()',
      );
      continue;
    }
    const variables = new Map<string, VariableInput>();
    for (const f of autoVarFiles(files)) readVarFile(f, hcl, input.findings, variables, f.path);
    const values = input.scope.forFile(`${dir ? `${dir}/` : ''}main.tf`, () => []);
    for (const [k, e] of values.terraformVariables) {
      variables.set(k, {
        value: plain(e.value) as TfValue,
        pos: e.pos,
        origin: `from ${e.pos.file}:${e.pos.line}`,
      });
    }
    if (input.parameters)
      readVarFile(input.parameters, hcl, input.findings, variables, `--parameters ${input.parameters.path}`);
    const module = new TerraformModule({
      dir,
      files: configs.map((f) => hcl.parse(f)),
      variables,
      values,
      parseExpression: (text, pos) => parseExpression(hcl, text, pos),
    });
    const read = module.read();
    out.resources.push(...read.resources);
    out.skipped.push(...read.skipped);
    out.diagnostics.push(...module.findings.list);
    for (const f of files)
      if (!f.path.endsWith('.tf'))
        out.skipped.push({ file: f.path, line: 1, reason: 'Terraform variables file' });
  }
  return out;
}

/** A .tfvars (HCL), .tfvars.json or NAME=VALUE lines file. */
function readVarFile(
  f: SourceFile,
  hcl: HclParser,
  findings: Findings,
  into: Map<string, VariableInput>,
  origin: string,
): void {
  if (f.path.endsWith('.json')) {
    const parsed = parseTemplate(f, { intrinsics: false });
    for (const e of parsed.errors) findings.error(e.pos, '', `variables file: ${e.message}`);
    if (parsed.root?.t !== 'map') return;
    for (const e of parsed.root.entries)
      into.set(e.key, {
        value: plain(toLocated(e.value)) as TfValue,
        pos: e.keyPos,
        origin: `from ${origin}`,
      });
    return;
  }
  if (f.path.endsWith('.tfvars')) {
    const file = hcl.parse(f);
    for (const e of file.errors) findings.error(e.pos, '', e.message);
    for (const a of file.body.attributes) {
      const v = evaluate(a.expr, {
        bindings: new Map(),
        reference: (root, _s, pos) => ({
          value: failAt(findings, pos, `a variables file cannot refer to ${root}`),
          used: 0,
        }),
        fail: (pos, message) => failAt(findings, pos, message),
        quietly: (g) => ({ value: g(), failed: false }),
      });
      if (v !== UNKNOWN) into.set(a.name, { value: v, pos: a.pos, origin: `from ${origin}` });
    }
    return;
  }
  f.content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const pos = { file: f.path, line: i + 1, col: raw.indexOf(line) + 1 };
    if (eq <= 0) {
      findings.error(pos, '', `expected NAME=VALUE, got '${line}'`);
      return;
    }
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value) && value.length >= 2) value = value.slice(1, -1);
    into.set(line.slice(0, eq).trim(), { value, pos, origin: `from ${origin}`, raw: true });
  });
}

function failAt(findings: Findings, pos: SourcePosition, message: string): typeof UNKNOWN {
  findings.error(pos, '', message);
  return UNKNOWN;
}

function parseExpression(hcl: HclParser, text: string, pos: SourcePosition): Expr | undefined {
  const file = hcl.parse({ path: pos.file, content: `v = ${text}\n` });
  if (file.errors.length > 0) return undefined;
  return file.body.attributes[0]?.expr;
}
