import type { SkippedDocument, SourceFile, SpecResource } from '@plexus/spec';
import { parseTemplate } from '../cloudformation/template-nodes.ts';
import { mapSpec } from '../map/api-shape.ts';
import { importedResource } from '../map/build-resource.ts';
import type { Findings } from '../model/diagnostics.ts';
import { type Located, type LocatedEntry, plain } from '../model/located.ts';
import { toLocated } from '../values/values-file.ts';
import { TF_APPMESH_TYPES, TF_NAMING } from './appmesh-resources.ts';

/** `terraform show -json` output (state or plan): `format_version` and `terraform_version` at the top. */
export function isTerraformJson(file: SourceFile): boolean {
  return (
    file.path.endsWith('.json') &&
    /"format_version"\s*:/.test(file.content) &&
    /"terraform_version"\s*:/.test(file.content)
  );
}

/**
 * Reads the App Mesh resources of `terraform show -json` (a state: `values`; a plan: `planned_values`),
 * modules included: fully resolved values, so nothing needs evaluating. Empty values the provider keeps in
 * state for unset arguments ("", 0, [] and null) are dropped as the provider drops them before calling the
 * API (it sends a 0 only for weight and max_retries).
 */
export function readTerraformJson(
  file: SourceFile,
  findings: Findings,
): { resources: SpecResource[]; skipped: SkippedDocument[] } {
  const out = { resources: [] as SpecResource[], skipped: [] as SkippedDocument[] };
  const parsed = parseTemplate(file, { intrinsics: false });
  for (const e of parsed.errors) findings.error(e.pos, '', `terraform show -json: ${e.message}`);
  if (!parsed.root) return out;
  const root = toLocated(parsed.root);
  const top = root.kind === 'map' ? root : undefined;
  const values = top?.entries.get('planned_values')?.value ?? top?.entries.get('values')?.value;
  const rootModule = values?.kind === 'map' ? values.entries.get('root_module')?.value : undefined;
  if (!rootModule) {
    findings.error(
      root.pos,
      '',
      'terraform show -json output without values.root_module (or planned_values.root_module)',
    );
    return out;
  }
  walkModule(rootModule, file, findings, out);
  return out;
}

function walkModule(
  mod: Located,
  file: SourceFile,
  findings: Findings,
  out: { resources: SpecResource[]; skipped: SkippedDocument[] },
): void {
  if (mod.kind !== 'map') return;
  const resources = mod.entries.get('resources')?.value;
  for (const r of resources?.kind === 'list' ? resources.items : []) {
    if (r.kind !== 'map') continue;
    const get = (k: string) => r.entries.get(k)?.value;
    const type = String(plain(get('type') ?? { kind: 'scalar', value: '', pos: r.pos }));
    const address = String(plain(get('address') ?? { kind: 'scalar', value: type, pos: r.pos }));
    const mode = get('mode');
    const meshType = TF_APPMESH_TYPES[type];
    if (!meshType || (mode && plain(mode) !== 'managed')) {
      out.skipped.push({
        file: file.path,
        line: r.pos.line,
        reason: `${address} is not an App Mesh resource`,
      });
      continue;
    }
    const v = get('values');
    if (v?.kind !== 'map') {
      findings.error(r.pos, address, `${address} has no values (a plan shows them only once they are known)`);
      continue;
    }
    const str = (k: string) => {
      const x = v.entries.get(k)?.value;
      return x?.kind === 'scalar' && typeof x.value === 'string' && x.value !== '' ? x.value : undefined;
    };
    const name = str('name');
    const mesh = meshType.kind === 'Mesh' ? name : str('mesh_name');
    const parent = meshType.parent ? str(meshType.parent) : undefined;
    if (!name || !mesh || (meshType.parent && !parent)) {
      findings.error(
        r.pos,
        address,
        `${address}: name, mesh_name${meshType.parent ? ` and ${meshType.parent}` : ''} must be known`,
      );
      continue;
    }
    const spec = v.entries.get('spec')?.value;
    const cleaned = spec ? dropUnset(spec) : undefined;
    const subject = { kind: meshType.kind, mesh, name };
    const before = findings.errors;
    const mapped = mapSpec(
      meshType.kind,
      cleaned ?? { kind: 'map', entries: new Map(), pos: r.pos },
      [address, 'spec'],
      TF_NAMING,
      findings,
      subject,
    );
    if (findings.errors > before) continue;
    out.resources.push(
      importedResource({
        kind: meshType.kind,
        mesh,
        name,
        ...(meshType.parent === 'virtual_router_name' ? { virtualRouter: parent } : {}),
        ...(meshType.parent === 'virtual_gateway_name' ? { virtualGateway: parent } : {}),
        format: 'terraform-json',
        position: r.pos,
        origin: `Terraform state ${address}`,
        mapped,
      }),
    );
  }
  const children = mod.entries.get('child_modules')?.value;
  for (const c of children?.kind === 'list' ? children.items : []) walkModule(c, file, findings, out);
}

/** Fields the provider always sends, even when zero. */
const ZERO_KEPT = new Set(['weight', 'max_retries']);

function dropUnset(v: Located, key?: string): Located | undefined {
  if (v.kind === 'scalar') {
    if (v.value === null || v.value === '') return undefined;
    if (v.value === 0 && !ZERO_KEPT.has(key ?? '')) return undefined;
    return v;
  }
  if (v.kind === 'list') {
    const items = v.items.map((i) => dropUnset(i, key)).filter((i): i is Located => i !== undefined);
    return items.length === 0 ? undefined : { ...v, items };
  }
  const entries = new Map<string, LocatedEntry>();
  for (const [k, e] of v.entries) {
    const x = dropUnset(e.value, k);
    if (x !== undefined) entries.set(k, { ...e, value: x });
  }
  return { ...v, entries };
}
