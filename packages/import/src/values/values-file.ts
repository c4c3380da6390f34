import type { SourceFile, SourcePosition } from '@plexus/spec';
import { type CfnMap, type CfnNode, parseTemplate } from '../cloudformation/template-nodes.ts';
import type { Findings } from '../model/diagnostics.ts';
import { type Located, locate } from '../model/located.ts';

/**
 * Values Plexus cannot read from the IaC itself, from a `plexus-values.yaml` in the tree (it applies to the
 * files in its directory and below) or `--values FILE`:
 *
 *   region: us-west-2                 # AWS::Region, ARNs, Fn::GetAZs
 *   accountId: "111122223333"         # AWS::AccountId
 *   partition: aws                    # AWS::Partition (default from the region)
 *   urlSuffix: amazonaws.com          # AWS::URLSuffix (default from the partition)
 *   availabilityZones: [us-west-2a]   # Fn::GetAZs
 *   parameters: { ProjectName: demo } # CloudFormation parameters for every template
 *   exports: { "demo:MeshName": demo }  # Fn::ImportValue
 *   resources:                        # attributes of resources outside App Mesh, by logical id ("Ref" for Ref)
 *     CloudMapService: { Ref: srv-1, Name: colorteller }
 *   ssmParameters: { /demo/mesh: demo }  # values of AWS::SSM::Parameter::Value<...> parameters
 *   stacks:                           # per template (path relative to this file) or CDK stack name
 *     mesh.yaml: { stackName: demo-mesh, parameters: {}, resources: {} }
 *   terraform:
 *     variables: { mesh_name: demo }  # like -var
 *     resources:                      # attributes known only after apply, by address (data sources too)
 *       aws_service_discovery_service.front: { id: srv-1, arn: "arn:..." }
 */
export interface Values {
  region?: ValueEntry;
  accountId?: ValueEntry;
  partition?: ValueEntry;
  urlSuffix?: ValueEntry;
  availabilityZones?: ValueEntry;
  parameters: Map<string, ValueEntry>;
  exports: Map<string, ValueEntry>;
  resources: Map<string, Map<string, ValueEntry>>;
  ssmParameters: Map<string, ValueEntry>;
  stacks: Map<string, StackValues>;
  terraformVariables: Map<string, ValueEntry>;
  terraformResources: Map<string, Map<string, ValueEntry>>;
}

export interface StackValues {
  stackName?: ValueEntry;
  parameters: Map<string, ValueEntry>;
  resources: Map<string, Map<string, ValueEntry>>;
}

/** A value and where it was given (a values file, a parameters file, a default). */
export interface ValueEntry {
  value: Located;
  pos: SourcePosition;
}

export function emptyValues(): Values {
  return {
    parameters: new Map(),
    exports: new Map(),
    resources: new Map(),
    ssmParameters: new Map(),
    stacks: new Map(),
    terraformVariables: new Map(),
    terraformResources: new Map(),
  };
}

export const VALUES_FILE = /(^|\/)plexus-values\.(ya?ml|json)$/;

const TOP_KEYS = [
  'region',
  'accountId',
  'partition',
  'urlSuffix',
  'availabilityZones',
  'parameters',
  'exports',
  'resources',
  'ssmParameters',
  'stacks',
  'terraform',
];

/** Parses a values file; problems are findings at their line. */
export function parseValuesFile(file: SourceFile, findings: Findings): Values {
  const values = emptyValues();
  const parsed = parseTemplate(file, { intrinsics: false });
  for (const e of parsed.errors) findings.error(e.pos, '', `values file: ${e.message}`);
  const root = parsed.root;
  if (!root) return values;
  if (root.t !== 'map') {
    findings.error(
      root.pos,
      '',
      'a values file is a mapping (region, accountId, parameters, exports, resources, stacks, terraform)',
    );
    return values;
  }
  for (const e of root.entries) {
    const v = e.value;
    switch (e.key) {
      case 'region':
      case 'accountId':
      case 'partition':
      case 'urlSuffix':
        if (expectScalar(v, e.key, findings)) values[e.key] = entryOf(v);
        break;
      case 'availabilityZones':
        if (v.t !== 'seq') findings.error(v.pos, e.key, 'availabilityZones is a list of zone names');
        else values.availabilityZones = entryOf(v);
        break;
      case 'parameters':
      case 'exports':
      case 'ssmParameters':
        readMap(v, e.key, findings, values[e.key]);
        break;
      case 'resources':
        readResources(v, e.key, findings, values.resources);
        break;
      case 'stacks':
        readStacks(v, findings, values.stacks);
        break;
      case 'terraform':
        readTerraform(v, findings, values);
        break;
      default:
        findings.error(
          e.keyPos,
          e.key,
          `unknown key '${e.key}' in a values file (known: ${TOP_KEYS.join(', ')})`,
        );
    }
  }
  return values;
}

function readTerraform(v: CfnNode, findings: Findings, values: Values): void {
  const m = asMap(v, 'terraform', findings, 'variables and resources');
  if (!m) return;
  for (const e of m.entries) {
    if (e.key === 'variables') readMap(e.value, 'terraform.variables', findings, values.terraformVariables);
    else if (e.key === 'resources')
      readResources(e.value, 'terraform.resources', findings, values.terraformResources);
    else
      findings.error(
        e.keyPos,
        `terraform.${e.key}`,
        `unknown key '${e.key}' under terraform (known: variables, resources)`,
      );
  }
}

function readStacks(v: CfnNode, findings: Findings, stacks: Map<string, StackValues>): void {
  const m = asMap(v, 'stacks', findings, 'template path or stack name → {stackName, parameters, resources}');
  if (!m) return;
  for (const e of m.entries) {
    const s: StackValues = { parameters: new Map(), resources: new Map() };
    const sm = asMap(e.value, `stacks.${e.key}`, findings, 'stackName, parameters, resources');
    if (!sm) continue;
    for (const f of sm.entries) {
      const path = `stacks.${e.key}.${f.key}`;
      if (f.key === 'stackName') {
        if (expectScalar(f.value, path, findings)) s.stackName = entryOf(f.value);
      } else if (f.key === 'parameters') readMap(f.value, path, findings, s.parameters);
      else if (f.key === 'resources') readResources(f.value, path, findings, s.resources);
      else
        findings.error(
          f.keyPos,
          path,
          `unknown key '${f.key}' for a stack (known: stackName, parameters, resources)`,
        );
    }
    stacks.set(e.key, s);
  }
}

function readResources(
  v: CfnNode,
  path: string,
  findings: Findings,
  into: Map<string, Map<string, ValueEntry>>,
): void {
  const m = asMap(v, path, findings, 'resource → {attribute: value}');
  if (!m) return;
  for (const e of m.entries) {
    const attrs = new Map<string, ValueEntry>();
    readMap(e.value, `${path}.${e.key}`, findings, attrs);
    into.set(e.key, attrs);
  }
}

function readMap(v: CfnNode, path: string, findings: Findings, into: Map<string, ValueEntry>): void {
  const m = asMap(v, path, findings, 'name → value');
  if (!m) return;
  for (const e of m.entries) into.set(e.key, { value: toLocated(e.value), pos: e.value.pos });
}

function asMap(v: CfnNode, path: string, findings: Findings, what: string): CfnMap | undefined {
  if (v.t === 'map') return v;
  if (v.t === 'scalar' && v.value === null) return undefined;
  findings.error(v.pos, path, `${path} is a mapping (${what})`);
  return undefined;
}

function expectScalar(v: CfnNode, path: string, findings: Findings): boolean {
  if (v.t === 'scalar' && v.value !== null) return true;
  findings.error(v.pos, path, `${path} is a single value`);
  return false;
}

function entryOf(v: CfnNode): ValueEntry {
  return { value: toLocated(v), pos: v.pos };
}

/** Plain YAML of a values file as a located value (intrinsic tags are not evaluated in values files). */
export function toLocated(node: CfnNode): Located {
  switch (node.t) {
    case 'scalar':
      return { kind: 'scalar', value: node.value, pos: node.pos };
    case 'seq':
      return { kind: 'list', items: node.items.map(toLocated), pos: node.pos };
    case 'map': {
      const entries = new Map();
      for (const e of node.entries) entries.set(e.key, { keyPos: e.keyPos, value: toLocated(e.value) });
      return { kind: 'map', entries, pos: node.pos };
    }
    case 'fn':
      return locate(`(${node.name})`, node.pos);
  }
}

/**
 * Several values sources, nearest last: later entries win key by key (a stack's own values over the
 * tree's, the command line's over both).
 */
export function mergeValues(list: readonly Values[]): Values {
  const out = emptyValues();
  for (const v of list) {
    for (const k of ['region', 'accountId', 'partition', 'urlSuffix', 'availabilityZones'] as const) {
      if (v[k]) out[k] = v[k];
    }
    for (const k of ['parameters', 'exports', 'ssmParameters', 'terraformVariables'] as const) {
      for (const [name, e] of v[k]) out[k].set(name, e);
    }
    for (const k of ['resources', 'terraformResources'] as const) {
      for (const [id, attrs] of v[k]) out[k].set(id, new Map([...(out[k].get(id) ?? []), ...attrs]));
    }
    for (const [key, s] of v.stacks) {
      const prev = out.stacks.get(key);
      out.stacks.set(key, {
        stackName: s.stackName ?? prev?.stackName,
        parameters: new Map([...(prev?.parameters ?? []), ...s.parameters]),
        resources: new Map([...(prev?.resources ?? []), ...s.resources]),
      });
    }
  }
  return out;
}
