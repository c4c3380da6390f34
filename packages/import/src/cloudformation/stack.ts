import type { SkippedDocument, SourcePosition, SpecResource } from '@plexus/spec';
import { mapSpec, type SourceNaming } from '../map/api-shape.ts';
import { importedResource } from '../map/build-resource.ts';
import { formatPath } from '../map/field-path.ts';
import { Findings } from '../model/diagnostics.ts';
import { type Located, locate, plain } from '../model/located.ts';
import type { ValueEntry, Values } from '../values/values-file.ts';
import {
  APPMESH_TYPES,
  type AppMeshType,
  ATTRIBUTES_FROM_PROPERTIES,
  appMeshAttributes,
  cfnSpelling,
  RESOURCE_KEYS,
} from './appmesh-types.ts';
import {
  type Evaluated,
  evaluate,
  evaluateCondition,
  NO_VALUE,
  type Scope,
  UNRESOLVED,
} from './intrinsics.ts';
import { checkParameter, type ParameterDeclaration, type ParameterValue } from './parameters.ts';
import { type CfnMap, type CfnNode, entry } from './template-nodes.ts';

export const CFN_NAMING: SourceNaming = {
  spell: (apiKey) => cfnSpelling(apiKey),
  blocks: false,
  format: formatPath,
};

/** Exports of the other stacks in the same load, for Fn::ImportValue. */
export interface ExportLookup {
  find(name: string, from: Stack, pos: SourcePosition, path: string): Evaluated;
}

export interface StackInput {
  file: string;
  root: CfnMap;
  stackName: string;
  /** Where the stack name came from, for messages. */
  values: Values;
  /** Parameter values in precedence order already resolved: name → value and where it was given. */
  parameters: Map<string, { entry: ValueEntry; origin: string }>;
  exports: ExportLookup;
  /** `CloudFormation stack X` or `CDK stack X`. */
  describe: string;
}

interface Resource {
  id: string;
  pos: SourcePosition;
  type: string;
  node: CfnMap;
}

interface AppMeshNames {
  mesh: string;
  name: string;
  parent?: string;
  meshOwner?: string;
  /** Where Properties.MeshOwner is written. */
  meshOwnerPos?: SourcePosition;
}

const PSEUDO = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

/** One template as one stack: its parameters, conditions, mappings and resources, evaluated on demand. */
export class Stack implements Scope {
  readonly findings = new Findings();
  readonly file: string;
  readonly name: string;
  private readonly input: StackInput;
  private readonly params = new Map<string, ParameterDeclaration>();
  private readonly paramValues = new Map<string, ParameterValue | typeof UNRESOLVED>();
  private readonly conditions = new Map<string, CfnNode>();
  private readonly conditionValues = new Map<string, boolean | typeof UNRESOLVED | 'evaluating'>();
  private readonly resources = new Map<string, Resource>();
  private readonly names = new Map<string, AppMeshNames | typeof UNRESOLVED | 'evaluating'>();
  private readonly mappings?: CfnNode;
  /** The findings evaluation reports to (swapped while evaluating quietly, e.g. another stack's export names). */
  private sink: Findings;

  constructor(input: StackInput) {
    this.input = input;
    this.file = input.file;
    this.name = input.stackName;
    this.sink = this.findings;
    const params = entry(input.root, 'Parameters')?.value;
    if (params?.t === 'map') {
      for (const e of params.entries) {
        const node = e.value.t === 'map' ? e.value : { t: 'map' as const, entries: [], pos: e.value.pos };
        const type = entry(node, 'Type')?.value;
        this.params.set(e.key, {
          name: e.key,
          pos: e.keyPos,
          type: type?.t === 'scalar' ? String(type.value) : 'String',
          node,
        });
      }
    }
    const conds = entry(input.root, 'Conditions')?.value;
    if (conds?.t === 'map') for (const e of conds.entries) this.conditions.set(e.key, e.value);
    this.mappings = entry(input.root, 'Mappings')?.value;
    const res = entry(input.root, 'Resources')?.value;
    if (res?.t === 'map') {
      for (const e of res.entries) {
        if (e.value.t !== 'map') {
          this.findings.error(
            e.value.pos,
            `Resources.${e.key}`,
            'a resource is a mapping with Type and Properties',
          );
          continue;
        }
        const type = entry(e.value, 'Type')?.value;
        this.resources.set(e.key, {
          id: e.key,
          pos: e.keyPos,
          type: type?.t === 'scalar' ? String(type.value) : '',
          node: e.value,
        });
      }
    }
  }

  /** The App Mesh resources of the stack, other resources as skipped documents. */
  read(): { resources: SpecResource[]; skipped: SkippedDocument[] } {
    const resources: SpecResource[] = [];
    const skipped: SkippedDocument[] = [];
    const transform = entry(this.input.root, 'Transform');
    if (transform) {
      this.findings.warning(
        transform.keyPos,
        'Transform',
        `the template has a Transform (${JSON.stringify(plain(this.toLocated(transform.value)))}): resources a transform generates are not read; give the processed template for those`,
      );
    }
    for (const r of this.resources.values()) {
      const type = APPMESH_TYPES[r.type];
      if (!type) {
        if (!r.type) this.findings.error(r.pos, `Resources.${r.id}`, `resource ${r.id} has no Type`);
        else
          skipped.push({
            file: this.file,
            line: r.pos.line,
            reason: `${r.type} ${r.id} is not an App Mesh resource`,
          });
        continue;
      }
      const made = this.readAppMesh(r, type);
      if (made) resources.push(made);
      else if (made === null)
        skipped.push({
          file: this.file,
          line: r.pos.line,
          reason: `${r.type} ${r.id}: its Condition is false`,
        });
    }
    return { resources, skipped };
  }

  /** The value of Outputs.X.Value whose Export.Name is `name`, or undefined when the stack exports none by it. */
  exportValue(name: string): Evaluated | undefined {
    const outputs = entry(this.input.root, 'Outputs')?.value;
    if (outputs?.t !== 'map') return undefined;
    for (const o of outputs.entries) {
      const exportName = entry(entry(o.value, 'Export')?.value, 'Name')?.value;
      if (!exportName) continue;
      const evaluated = this.quietly(() => evaluate(exportName, this, `Outputs.${o.key}.Export.Name`));
      if (evaluated === UNRESOLVED || evaluated === NO_VALUE || evaluated.kind !== 'scalar') continue;
      if (String(evaluated.value) !== name) continue;
      const value = entry(o.value, 'Value')?.value;
      if (!value) return undefined;
      const cond = entry(o.value, 'Condition')?.value;
      if (cond && cond.t === 'scalar' && this.condition(String(cond.value), cond.pos) !== true)
        return undefined;
      return evaluate(value, this, `Outputs.${o.key}.Value`);
    }
    return undefined;
  }

  /** Runs `f` with its findings dropped (to probe a value without reporting what it needs). */
  quietly<T>(f: () => T): T {
    const saved = this.sink;
    this.sink = new Findings();
    try {
      return f();
    } finally {
      this.sink = saved;
    }
  }

  /** Runs `f` reporting into `sink` (another stack evaluating this one's export for its import). */
  reportingTo<T>(sink: Findings, f: () => T): T {
    const saved = this.sink;
    this.sink = sink;
    try {
      return f();
    } finally {
      this.sink = saved;
    }
  }

  private readAppMesh(r: Resource, type: AppMeshType): SpecResource | undefined | null {
    const condName = entry(r.node, 'Condition')?.value;
    if (condName) {
      if (condName.t !== 'scalar') {
        this.fail(condName.pos, `Resources.${r.id}.Condition`, 'Condition takes a condition name');
        return undefined;
      }
      const cond = this.condition(String(condName.value), condName.pos);
      if (cond === UNRESOLVED) return undefined;
      if (!cond) return null;
    }
    for (const e of r.node.entries) {
      if (!RESOURCE_KEYS.has(e.key)) {
        this.findings.error(
          e.keyPos,
          `Resources.${r.id}.${e.key}`,
          `unknown resource attribute '${e.key}' (known: ${[...RESOURCE_KEYS].join(', ')})`,
        );
      }
    }
    const props = entry(r.node, 'Properties')?.value;
    const propsMap: CfnMap = props?.t === 'map' ? props : { t: 'map', entries: [], pos: r.pos };
    for (const e of propsMap.entries) {
      if (!type.properties.includes(e.key)) {
        this.findings.error(
          e.keyPos,
          `Resources.${r.id}.Properties.${e.key}`,
          `unknown property '${e.key}' of ${r.type} (known: ${type.properties.join(', ')})`,
        );
      }
    }
    const names = this.appMeshNames(r.id, r.pos);
    // The spec is evaluated even when the names are not, so one run names every missing input.
    const specNode = entry(propsMap, 'Spec');
    const evaluated = specNode
      ? evaluate(specNode.value, this, `Resources.${r.id}.Properties.Spec`)
      : NO_VALUE;
    if (names === UNRESOLVED || evaluated === UNRESOLVED) return undefined;
    const subject = { kind: type.kind, mesh: names.mesh, name: names.name };
    let spec: Located = { kind: 'map', entries: new Map(), pos: r.pos };
    if (specNode) {
      if (evaluated !== NO_VALUE) spec = evaluated;
    } else if (type.kind !== 'Mesh') {
      this.findings.error(
        r.pos,
        `Resources.${r.id}.Properties.Spec`,
        `${r.type} needs Properties.Spec`,
        subject,
      );
      return undefined;
    }
    const before = this.findings.errors;
    const mapped = mapSpec(
      type.kind,
      spec,
      ['Resources', r.id, 'Properties', 'Spec'],
      CFN_NAMING,
      this.findings,
      subject,
    );
    // Unknown properties: the resource is left out rather than validated half-read.
    if (this.findings.errors > before) return undefined;
    return importedResource({
      kind: type.kind,
      mesh: names.mesh,
      name: names.name,
      ...(type.parentProperty === 'VirtualRouterName' ? { virtualRouter: names.parent } : {}),
      ...(type.parentProperty === 'VirtualGatewayName' ? { virtualGateway: names.parent } : {}),
      format: 'cloudformation',
      position: r.pos,
      origin: `${this.input.describe}, resource ${r.id} (${r.type})`,
      mapped,
      ...(names.meshOwner !== undefined
        ? {
            owners: {
              meshOwner: {
                value: names.meshOwner,
                position: names.meshOwnerPos ?? r.pos,
                field: `Resources.${r.id}.Properties.MeshOwner`,
              },
            },
          }
        : {}),
    });
  }

  /** Mesh, own and parent names of an App Mesh resource, evaluated once; a cycle is an error. */
  private appMeshNames(id: string, pos: SourcePosition): AppMeshNames | typeof UNRESOLVED {
    const known = this.names.get(id);
    if (known === 'evaluating') {
      return this.fail(
        pos,
        `Resources.${id}`,
        `circular reference: the names of ${id} depend on ${id} itself`,
      );
    }
    if (known) return known;
    this.names.set(id, 'evaluating');
    const r = this.resources.get(id)!;
    const type = APPMESH_TYPES[r.type];
    const props = entry(r.node, 'Properties')?.value;
    const read = (prop: string, required: boolean): string | undefined | typeof UNRESOLVED => {
      const e = entry(props, prop);
      const given = this.stackResourceValue(id, prop);
      if (given) return String(plain(given.value));
      if (!e) {
        if (required) {
          return this.fail(
            props?.pos ?? r.pos,
            `Resources.${id}.Properties.${prop}`,
            `${r.type} ${id} needs Properties.${prop}`,
          );
        }
        return undefined;
      }
      const v = evaluate(e.value, this, `Resources.${id}.Properties.${prop}`);
      if (v === UNRESOLVED) return UNRESOLVED;
      if (v === NO_VALUE) return undefined;
      if (v.kind !== 'scalar' || v.value === null || v.value === '') {
        return this.fail(
          e.keyPos,
          `Resources.${id}.Properties.${prop}`,
          `${prop} must be a non-empty string`,
        );
      }
      return String(v.value);
    };
    const isMesh = type.kind === 'Mesh';
    const meshName = read('MeshName', !isMesh);
    const own = isMesh ? meshName : read(type.nameProperty, !type.generatedName);
    const parent = type.parentProperty ? read(type.parentProperty, true) : undefined;
    const meshOwner = isMesh ? undefined : read('MeshOwner', false);
    if ([meshName, own, parent, meshOwner].includes(UNRESOLVED)) {
      this.remember(this.names, id, UNRESOLVED);
      return UNRESOLVED;
    }
    let name = own as string | undefined;
    if (name === undefined) {
      name = id;
      this.findings.warning(
        r.pos,
        `Resources.${id}.Properties.${type.nameProperty}`,
        `${r.type} ${id} has no ${type.nameProperty}: CloudFormation generated one at deploy time; Plexus names it '${id}' ` +
          `(set ${type.nameProperty}, or give the deployed name in plexus-values.yaml resources.${id}.${type.nameProperty})`,
      );
    }
    const names: AppMeshNames = {
      mesh: isMesh ? name : (meshName as string),
      name,
      ...(parent !== undefined ? { parent: parent as string } : {}),
      ...(meshOwner !== undefined
        ? { meshOwner: meshOwner as string, meshOwnerPos: entry(props, 'MeshOwner')?.keyPos ?? r.pos }
        : {}),
    };
    this.names.set(id, names);
    return names;
  }

  /**
   * Memoises a result; a failure only when it was reported to the stack's own findings (a quiet probe's
   * failure is evaluated again, so the stack still reports what it needs).
   */
  private remember<V>(
    memo: Map<string, V | typeof UNRESOLVED | 'evaluating'>,
    key: string,
    value: V | typeof UNRESOLVED,
  ): void {
    if (value !== UNRESOLVED || this.sink === this.findings) memo.set(key, value);
    else memo.delete(key);
  }

  // --- Scope ---

  fail(pos: SourcePosition, path: string, message: string): typeof UNRESOLVED {
    this.sink.error(pos, path, message);
    return UNRESOLVED;
  }

  ref(name: string, pos: SourcePosition, path: string): Evaluated {
    if (name.startsWith('AWS::')) return this.pseudo(name, pos, path);
    if (this.params.has(name)) {
      const v = this.parameter(name, pos, path);
      return v === UNRESOLVED ? UNRESOLVED : locate(v, pos);
    }
    const r = this.resources.get(name);
    if (r) {
      if (APPMESH_TYPES[r.type]) return this.getAtt(name, 'Arn', pos, path);
      return this.otherAttribute(r, 'Ref', pos, path);
    }
    return this.fail(pos, path, `Ref ${name}: no parameter or resource of that name in the template`);
  }

  getAtt(id: string, attribute: string, pos: SourcePosition, path: string): Evaluated {
    const r = this.resources.get(id);
    if (!r) return this.fail(pos, path, `Fn::GetAtt ${id}.${attribute}: no resource ${id} in the template`);
    const type = APPMESH_TYPES[r.type];
    if (!type) return this.otherAttribute(r, attribute, pos, path);
    const known = appMeshAttributes(type);
    if (!known.includes(attribute)) {
      return this.fail(pos, path, `${r.type} has no attribute ${attribute} (it has ${known.join(', ')})`);
    }
    const given = this.stackResourceValue(id, attribute);
    if (given) return locate(plain(given.value), pos);
    const names = this.appMeshNames(id, pos);
    if (names === UNRESOLVED) return UNRESOLVED;
    switch (attribute) {
      case 'MeshName':
        return locate(names.mesh, pos);
      case 'VirtualRouterName':
      case 'VirtualGatewayName':
        return locate(type.parentProperty === attribute ? names.parent! : names.name, pos);
      case 'MeshOwner':
        return names.meshOwner !== undefined
          ? locate(names.meshOwner, pos)
          : this.pseudo('AWS::AccountId', pos, path);
      case 'ResourceOwner':
        return this.pseudo('AWS::AccountId', pos, path);
      case 'Arn': {
        const partition = this.pseudo('AWS::Partition', pos, path);
        const region = this.pseudo('AWS::Region', pos, path);
        const account =
          names.meshOwner !== undefined
            ? locate(names.meshOwner, pos)
            : this.pseudo('AWS::AccountId', pos, path);
        if ([partition, region, account].some((v) => v === UNRESOLVED || v === NO_VALUE)) return UNRESOLVED;
        const s = (v: Evaluated) => String(plain(v as Located));
        return locate(
          `arn:${s(partition)}:appmesh:${s(region)}:${s(account)}:mesh/${names.mesh}${type.arnPath(names.name, names.parent)}`,
          pos,
        );
      }
      case 'Uid':
        return this.fail(
          pos,
          path,
          `${id}.Uid is assigned by App Mesh at deploy time: give it in plexus-values.yaml resources.${id}.Uid`,
        );
      default:
        return locate(names.name, pos);
    }
  }

  condition(name: string, pos: SourcePosition): boolean | typeof UNRESOLVED {
    const known = this.conditionValues.get(name);
    if (known === 'evaluating') {
      return this.fail(pos, `Conditions.${name}`, `circular reference: condition ${name} depends on itself`);
    }
    if (known !== undefined) return known;
    const node = this.conditions.get(name);
    if (!node) return this.fail(pos, 'Condition', `no condition ${name} in the template's Conditions`);
    this.conditionValues.set(name, 'evaluating');
    const value = evaluateCondition(node, this, `Conditions.${name}`);
    this.remember(this.conditionValues, name, value);
    return value;
  }

  findInMap(map: string, top: string, second: string, pos: SourcePosition, path: string): Evaluated {
    const m = entry(this.mappings, map)?.value;
    if (!m) return this.fail(pos, path, `Fn::FindInMap: no mapping ${map} in the template's Mappings`);
    const t = entry(m, top)?.value;
    if (!t) return this.fail(pos, path, `Fn::FindInMap: mapping ${map} has no key ${top}`);
    const s = entry(t, second)?.value;
    if (!s) return this.fail(pos, path, `Fn::FindInMap: mapping ${map}.${top} has no key ${second}`);
    return evaluate(s, this, `Mappings.${map}.${top}.${second}`);
  }

  importValue(name: string, pos: SourcePosition, path: string): Evaluated {
    const given = this.input.values.exports.get(name);
    if (given) return locate(plain(given.value), pos);
    return this.input.exports.find(name, this, pos, path);
  }

  availabilityZones(region: string, pos: SourcePosition, path: string): Evaluated {
    const zones = this.input.values.availabilityZones;
    if (zones) return locate(plain(zones.value), pos);
    return this.fail(
      pos,
      path,
      `Fn::GetAZs${region ? ` ${region}` : ''}: the zones of a region come from the account; give them in plexus-values.yaml availabilityZones`,
    );
  }

  // --- lookups ---

  private parameter(name: string, pos: SourcePosition, path: string): ParameterValue | typeof UNRESOLVED {
    const cached = this.paramValues.get(name);
    if (cached !== undefined) return cached;
    const decl = this.params.get(name)!;
    const given = this.input.parameters.get(name);
    let value: ParameterValue | undefined | typeof UNRESOLVED;
    if (given) {
      value = checkParameter(decl, given.entry, given.origin, this.sink) ?? UNRESOLVED;
    } else {
      const def = entry(decl.node, 'Default');
      if (def) {
        const v = evaluate(def.value, this, `Parameters.${name}.Default`);
        value =
          v === UNRESOLVED || v === NO_VALUE
            ? UNRESOLVED
            : (checkParameter(decl, { value: v, pos: def.keyPos }, 'its Default', this.sink) ?? UNRESOLVED);
      } else {
        const stem = this.file.replace(/\.[^./]+$/, '');
        value = this.fail(
          pos,
          path,
          `parameter '${name}' (line ${decl.pos.line}) has no value and no Default: supply it with --parameters FILE, in ${stem}.parameters.json ` +
            `or in plexus-values.yaml (parameters.${name})`,
        );
      }
    }
    if (value !== UNRESOLVED && decl.type.startsWith('AWS::SSM::Parameter::Value<')) {
      const key = Array.isArray(value) ? value.join(',') : value;
      const ssm = this.input.values.ssmParameters.get(key);
      value = ssm
        ? String(plain(ssm.value))
        : this.fail(
            pos,
            path,
            `parameter '${name}' is read from SSM parameter '${key}' at deploy time: give its value in plexus-values.yaml ssmParameters`,
          );
      if (value !== UNRESOLVED && decl.type.includes('List<')) value = (value as string).split(',');
    }
    this.remember(this.paramValues, name, value);
    return value;
  }

  private pseudo(name: string, pos: SourcePosition, path: string): Evaluated {
    const v = this.input.values;
    const region = v.region ? String(plain(v.region.value)) : undefined;
    const partition = v.partition
      ? String(plain(v.partition.value))
      : region?.startsWith('cn-')
        ? 'aws-cn'
        : region?.startsWith('us-gov-')
          ? 'aws-us-gov'
          : 'aws';
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::StackName':
        return locate(this.name, pos);
      case 'AWS::Partition':
        return locate(partition, pos);
      case 'AWS::URLSuffix':
        return locate(
          v.urlSuffix
            ? String(plain(v.urlSuffix.value))
            : partition === 'aws-cn'
              ? 'amazonaws.com.cn'
              : 'amazonaws.com',
          pos,
        );
      case 'AWS::Region':
        return region !== undefined
          ? locate(region, pos)
          : this.fail(pos, path, 'AWS::Region: give the region in plexus-values.yaml (region: us-west-2)');
      case 'AWS::AccountId':
        return v.accountId
          ? locate(String(plain(v.accountId.value)), pos)
          : this.fail(
              pos,
              path,
              'AWS::AccountId: give the account in plexus-values.yaml (accountId: "111122223333")',
            );
      case 'AWS::NotificationARNs':
        return locate([], pos);
      case 'AWS::StackId':
        return this.fail(pos, path, 'AWS::StackId is assigned at deploy time and is not known to Plexus');
      default:
        return this.fail(pos, path, `unknown pseudo parameter ${name} (known: ${PSEUDO.join(', ')})`);
    }
  }

  /** Ref or Fn::GetAtt of a resource that is not App Mesh: from the values file, or from its properties. */
  private otherAttribute(r: Resource, attribute: string, pos: SourcePosition, path: string): Evaluated {
    const given = this.stackResourceValue(r.id, attribute);
    if (given) return locate(plain(given.value), pos);
    const property = ATTRIBUTES_FROM_PROPERTIES[r.type]?.[attribute];
    const written = property ? entry(entry(r.node, 'Properties')?.value, property) : undefined;
    if (written) {
      const v = evaluate(written.value, this, `Resources.${r.id}.Properties.${property}`);
      return v === NO_VALUE ? UNRESOLVED : v;
    }
    const what = attribute === 'Ref' ? `Ref ${r.id}` : `${r.id}.${attribute}`;
    return this.fail(
      pos,
      path,
      `${what} (${r.type}) is known only once the stack is deployed: give it in plexus-values.yaml resources.${r.id}.${attribute}`,
    );
  }

  /** A resource attribute given in the values file (the stack's own section first). */
  private stackResourceValue(id: string, attribute: string): ValueEntry | undefined {
    return this.input.values.resources.get(id)?.get(attribute);
  }

  private toLocated(node: CfnNode): Located {
    const v = this.quietly(() => evaluate(node, this, ''));
    return v === UNRESOLVED || v === NO_VALUE ? locate(null, node.pos) : v;
  }
}

export { PSEUDO };
