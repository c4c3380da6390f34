import type { SkippedDocument, SourcePosition, SpecResource } from '@plexus/spec';
import { mapSpec } from '../map/api-shape.ts';
import { importedResource } from '../map/build-resource.ts';
import { Findings } from '../model/diagnostics.ts';
import { type Located, type LocatedEntry, locate, plain } from '../model/located.ts';
import type { ValueEntry, Values } from '../values/values-file.ts';
import { META_ARGUMENTS, TF_APPMESH_TYPES, TF_NAMING, type TfAppMeshType } from './appmesh-resources.ts';
import { bind, type EvalContext, evaluate, type Step } from './evaluate.ts';
import type { Attribute, Block, Body, Expr, HclFile } from './hcl-ast.ts';
import {
  asBool,
  asNumber,
  asString,
  type Evaluated,
  isObject,
  type TfValue,
  typeName,
  UNKNOWN,
} from './values.ts';

/** A variable's value from outside the configuration, and where it was given. */
export interface VariableInput {
  value: TfValue;
  pos: SourcePosition;
  origin: string;
  /** K=V text from --parameters: parsed as HCL when the variable's type is not string. */
  raw?: boolean;
}

export interface ModuleInput {
  dir: string;
  files: readonly HclFile[];
  /** terraform.tfvars, *.auto.tfvars, plexus-values.yaml terraform.variables, --parameters: later wins. */
  variables: Map<string, VariableInput>;
  values: Values;
  /** Parses `-var` style text as an HCL expression (for non-string variables). */
  parseExpression(text: string, pos: SourcePosition): Expr | undefined;
}

interface Declared {
  type: string;
  name: string;
  block: Block;
  file: string;
}

interface Instance {
  address: string;
  decl: Declared;
  bindings: Record<string, TfValue>;
}

const BUILTIN_DATA: Readonly<Record<string, (v: Values) => Record<string, TfValue | undefined>>> = {
  aws_region: (v) => {
    const r = v.region ? asString(plain(v.region.value) as TfValue) : undefined;
    return { name: r, region: r, id: r };
  },
  aws_caller_identity: (v) => {
    const a = v.accountId ? asString(plain(v.accountId.value) as TfValue) : undefined;
    return { account_id: a, id: a };
  },
  aws_partition: (v) => {
    const r = v.region ? String(plain(v.region.value)) : '';
    const p = v.partition
      ? String(plain(v.partition.value))
      : r.startsWith('cn-')
        ? 'aws-cn'
        : r.startsWith('us-gov-')
          ? 'aws-us-gov'
          : 'aws';
    return { partition: p, id: p, dns_suffix: p === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com' };
  },
};

/**
 * One Terraform module (the .tf files of a directory), evaluated statically: variables with their values,
 * locals, resources with static count and for_each, dynamic blocks, references between resources. What
 * needs the cloud (an id assigned at apply, a data source) comes from the values file or is an error at the
 * expression that needs it.
 */
export class TerraformModule {
  readonly findings = new Findings();
  private readonly input: ModuleInput;
  private readonly variables = new Map<string, Block & { file: string }>();
  private readonly locals = new Map<string, Attribute>();
  private readonly resources = new Map<string, Declared>();
  private readonly data = new Map<string, Declared>();
  private readonly memo = new Map<string, Evaluated | 'evaluating'>();
  private quiet = 0;
  private failedQuietly = false;
  /** The field being evaluated (`aws_appmesh_route.r.spec.http_route.match.prefix`), for error paths. */
  private here = '';

  constructor(input: ModuleInput) {
    this.input = input;
    for (const f of input.files) {
      for (const e of f.errors) this.findings.error(e.pos, '', e.message);
      for (const a of f.body.attributes)
        this.findings.error(
          a.pos,
          a.name,
          `unexpected argument '${a.name}' at the top of a Terraform configuration`,
        );
      for (const b of f.body.blocks) this.addDeclaration(b, f.path);
    }
  }

  private addDeclaration(b: Block, file: string): void {
    switch (b.type) {
      case 'variable':
        if (b.labels[0]) this.variables.set(b.labels[0], { ...b, file });
        break;
      case 'locals':
        for (const a of b.body.attributes) {
          if (this.locals.has(a.name))
            this.findings.error(a.pos, `local.${a.name}`, `local.${a.name} is defined twice`);
          this.locals.set(a.name, a);
        }
        break;
      case 'resource':
      case 'data': {
        const [type, name] = b.labels;
        if (!type || !name) {
          this.findings.error(b.pos, b.type, `a ${b.type} block needs a type and a name label`);
          break;
        }
        const into = b.type === 'resource' ? this.resources : this.data;
        const key = `${type}.${name}`;
        if (into.has(key)) this.findings.error(b.pos, key, `${b.type} ${key} is declared twice`);
        into.set(key, { type, name, block: b, file });
        break;
      }
      case 'module':
        this.findings.warning(
          b.pos,
          `module.${b.labels[0] ?? ''}`,
          `module blocks are not followed: load the module's own directory, with its inputs in plexus-values.yaml terraform.variables`,
        );
        break;
      default:
        break;
    }
  }

  /** The App Mesh resources of the module, other resources as skipped documents. */
  read(): { resources: SpecResource[]; skipped: SkippedDocument[] } {
    const resources: SpecResource[] = [];
    const skipped: SkippedDocument[] = [];
    for (const decl of this.resources.values()) {
      const type = TF_APPMESH_TYPES[decl.type];
      if (!type) {
        skipped.push({
          file: decl.file,
          line: decl.block.pos.line,
          reason: `${decl.type}.${decl.name} is not an App Mesh resource`,
        });
        continue;
      }
      for (const a of decl.block.body.attributes) {
        if (!type.arguments.includes(a.name) && !META_ARGUMENTS.has(a.name)) {
          this.findings.error(
            a.pos,
            `${decl.type}.${decl.name}.${a.name}`,
            `unknown argument '${a.name}' of ${decl.type} (known: ${type.arguments.join(', ')})`,
          );
        }
      }
      for (const b of decl.block.body.blocks) {
        if (b.type !== 'spec' && !META_ARGUMENTS.has(b.type) && b.type !== 'dynamic') {
          this.findings.error(
            b.pos,
            `${decl.type}.${decl.name}.${b.type}`,
            `unknown block '${b.type}' in ${decl.type} (it takes one spec block)`,
          );
        }
      }
      const instances = this.instances(decl);
      if (instances === UNKNOWN) continue;
      for (const inst of instances) {
        const made = this.readAppMesh(inst, type);
        if (made) resources.push(made);
      }
    }
    return { resources, skipped };
  }

  private readAppMesh(inst: Instance, type: TfAppMeshType): SpecResource | undefined {
    const { decl } = inst;
    const ctx = this.context(inst.bindings);
    const arg = (name: string, required: boolean): string | undefined | typeof UNKNOWN => {
      const a = decl.block.body.attributes.find((x) => x.name === name);
      if (!a) {
        if (required) {
          this.findings.error(
            decl.block.pos,
            `${inst.address}.${name}`,
            `${decl.type} ${inst.address} needs the argument ${name}`,
          );
          return UNKNOWN;
        }
        return undefined;
      }
      const v = this.at(`${inst.address}.${name}`, () => evaluate(a.expr, ctx));
      if (v === UNKNOWN) return UNKNOWN;
      const s = asString(v);
      if (s === undefined || s === '') {
        this.findings.error(
          a.pos,
          `${inst.address}.${name}`,
          `${name} must be a non-empty string, got ${typeName(v)}`,
        );
        return UNKNOWN;
      }
      return s;
    };
    const isMesh = type.kind === 'Mesh';
    const name = arg('name', true);
    const mesh = isMesh ? name : arg('mesh_name', true);
    const parent = type.parent ? arg(type.parent, true) : undefined;
    const specBlocks = this.expandBlocks(decl.block.body, ctx, inst.address).filter((b) => b.type === 'spec');
    if (specBlocks.length > 1)
      this.findings.error(specBlocks[1].pos, `${inst.address}.spec`, 'only one spec block is allowed');
    if (specBlocks.length === 0 && !isMesh) {
      this.findings.error(
        decl.block.pos,
        `${inst.address}.spec`,
        `${decl.type} ${inst.address} needs a spec block`,
      );
      return undefined;
    }
    const spec: Located | typeof UNKNOWN = specBlocks[0]
      ? this.bodyToLocated(specBlocks[0].body, specBlocks[0].ctx, specBlocks[0].pos, `${inst.address}.spec`)
      : { kind: 'map', entries: new Map(), pos: decl.block.pos };
    if ([name, mesh, parent].includes(UNKNOWN) || spec === UNKNOWN) return undefined;
    const subject = { kind: type.kind, mesh: mesh as string, name: name as string };
    const before = this.findings.errors;
    const mapped = mapSpec(
      type.kind,
      spec,
      [...inst.address.split('.'), 'spec'],
      TF_NAMING,
      this.findings,
      subject,
    );
    // Unknown arguments: the resource is left out rather than validated half-read.
    if (this.findings.errors > before) return undefined;
    return importedResource({
      kind: type.kind,
      mesh: mesh as string,
      name: name as string,
      ...(type.parent === 'virtual_router_name' ? { virtualRouter: parent as string } : {}),
      ...(type.parent === 'virtual_gateway_name' ? { virtualGateway: parent as string } : {}),
      format: 'terraform',
      position: decl.block.pos,
      origin: `Terraform ${inst.address}`,
      mapped,
    });
  }

  /**
   * A block body as a located map: attributes evaluated, nested blocks (dynamic ones expanded) as lists.
   * Everything is evaluated (so every problem is reported) before UNKNOWN is returned for a failure.
   */
  private bodyToLocated(
    body: Body,
    ctx: EvalContext,
    pos: SourcePosition,
    path: string,
  ): Located | typeof UNKNOWN {
    const entries = new Map<string, LocatedEntry>();
    let unknown = false;
    for (const a of body.attributes) {
      const v = this.at(`${path}.${a.name}`, () => evaluate(a.expr, ctx));
      if (v === UNKNOWN) unknown = true;
      else if (v !== null) entries.set(a.name, { keyPos: a.pos, value: locate(v, a.pos) });
    }
    for (const b of this.expandBlocks(body, ctx, path)) {
      if (b.labels.length > 0) {
        this.findings.error(b.pos, `${path}.${b.type}`, `block ${b.type} takes no labels here`);
        continue;
      }
      const item = this.bodyToLocated(b.body, b.ctx, b.pos, `${path}.${b.type}`);
      if (item === UNKNOWN) {
        unknown = true;
        continue;
      }
      const e = entries.get(b.type);
      if (e && e.value.kind === 'list') e.value.items.push(item);
      else if (e)
        this.findings.error(
          b.pos,
          `${path}.${b.type}`,
          `${b.type} is given both as an argument and as a block`,
        );
      else entries.set(b.type, { keyPos: b.pos, value: { kind: 'list', items: [item], pos: b.pos } });
    }
    return unknown ? UNKNOWN : { kind: 'map', entries, pos };
  }

  /** The nested blocks of a body, each `dynamic "x"` replaced by the x blocks its for_each makes. */
  private expandBlocks(body: Body, ctx: EvalContext, path: string): Array<Block & { ctx: EvalContext }> {
    const out: Array<Block & { ctx: EvalContext }> = [];
    for (const b of body.blocks) {
      if (b.type !== 'dynamic') {
        out.push({ ...b, ctx });
        continue;
      }
      const label = b.labels[0];
      const forEach = b.body.attributes.find((a) => a.name === 'for_each');
      const content = b.body.blocks.find((x) => x.type === 'content');
      if (!label || !forEach || !content) {
        this.findings.error(
          b.pos,
          `${path}.dynamic`,
          'a dynamic block needs a label, for_each and a content block',
        );
        continue;
      }
      const iteratorAttr = b.body.attributes.find((a) => a.name === 'iterator');
      const iterator = iteratorAttr?.expr.t === 'variable' ? iteratorAttr.expr.name : label;
      const coll = this.at(`${path}.dynamic.${label}.for_each`, () => evaluate(forEach.expr, ctx));
      if (coll === UNKNOWN) continue;
      const pairs: Array<[TfValue, TfValue]> = Array.isArray(coll)
        ? coll.map((v, i) => [i, v])
        : isObject(coll)
          ? Object.keys(coll)
              .sort()
              .map((k) => [k, coll[k]])
          : [];
      if (!Array.isArray(coll) && !isObject(coll)) {
        this.findings.error(
          forEach.pos,
          `${path}.dynamic.${label}.for_each`,
          `for_each must be a list, set or map, got ${typeName(coll)}`,
        );
        continue;
      }
      for (const [key, value] of pairs) {
        out.push({
          type: label,
          labels: [],
          body: content.body,
          pos: content.pos,
          ctx: bind(ctx, { [iterator]: { key, value } }),
        });
      }
    }
    return out;
  }

  /** count and for_each, evaluated statically (a resource without either is one instance). */
  private instances(decl: Declared): Instance[] | typeof UNKNOWN {
    const base = `${decl.type}.${decl.name}`;
    const key = `instances ${base}`;
    const cached = this.memo.get(key);
    if (cached === 'evaluating')
      return this.fail(decl.block.pos, `circular reference: count or for_each of ${base} depends on ${base}`);
    if (cached !== undefined) return cached === UNKNOWN ? UNKNOWN : (cached as unknown as Instance[]);
    this.memo.set(key, 'evaluating');
    const ctx = this.context({});
    const count = decl.block.body.attributes.find((a) => a.name === 'count');
    const forEach = decl.block.body.attributes.find((a) => a.name === 'for_each');
    let result: Instance[] | typeof UNKNOWN;
    if (count && forEach) result = this.fail(forEach.pos, `${base} sets both count and for_each`);
    else if (count) {
      const v = evaluate(count.expr, ctx);
      const n = v === UNKNOWN ? undefined : asNumber(v);
      if (v !== UNKNOWN && (n === undefined || !Number.isInteger(n) || n < 0))
        result = this.fail(count.pos, `count must be a whole number, got ${typeName(v as TfValue)}`);
      else if (n === undefined) result = UNKNOWN;
      else
        result = Array.from({ length: n }, (_, i) => ({
          address: `${base}[${i}]`,
          decl,
          bindings: { count: { index: i } },
        }));
    } else if (forEach) {
      const v = evaluate(forEach.expr, ctx);
      if (v === UNKNOWN) result = UNKNOWN;
      else if (isObject(v)) {
        result = Object.keys(v)
          .sort()
          .map((k) => ({
            address: `${base}[${JSON.stringify(k)}]`,
            decl,
            bindings: { each: { key: k, value: v[k] } },
          }));
      } else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
        result = [...new Set(v as string[])].sort().map((k) => ({
          address: `${base}[${JSON.stringify(k)}]`,
          decl,
          bindings: { each: { key: k, value: k } },
        }));
      } else
        result = this.fail(forEach.pos, `for_each must be a map or a set of strings, got ${typeName(v)}`);
    } else result = [{ address: base, decl, bindings: {} }];
    this.memo.set(key, result as unknown as Evaluated);
    return result;
  }

  private multi(decl: Declared): boolean {
    return decl.block.body.attributes.some((a) => a.name === 'count' || a.name === 'for_each');
  }

  // --- evaluation context ---

  private context(bindings: Record<string, TfValue>): EvalContext {
    return {
      bindings: new Map(Object.entries(bindings)),
      reference: (root, steps, pos) => this.reference(root, steps, pos),
      fail: (pos, message) => this.fail(pos, message),
      quietly: (f) => {
        const saved = this.failedQuietly;
        this.quiet++;
        this.failedQuietly = false;
        try {
          const value = f();
          return { value, failed: this.failedQuietly };
        } finally {
          this.quiet--;
          this.failedQuietly = saved;
        }
      },
    };
  }

  /** Evaluates with `path` as the field errors are reported for. */
  private at<T>(path: string, f: () => T): T {
    const saved = this.here;
    this.here = path;
    try {
      return f();
    } finally {
      this.here = saved;
    }
  }

  fail(pos: SourcePosition, message: string, path = this.here): typeof UNKNOWN {
    if (this.quiet > 0) this.failedQuietly = true;
    else this.findings.error(pos, path, message);
    return UNKNOWN;
  }

  private reference(
    root: string,
    steps: readonly Step[],
    pos: SourcePosition,
  ): { value: Evaluated; used: number } {
    const name = (i: number): string | undefined => {
      const s = steps[i];
      return s && 'attr' in s ? s.attr : undefined;
    };
    switch (root) {
      case 'var': {
        const n = name(0);
        if (!n) return { value: this.fail(pos, 'var needs a variable name (var.NAME)'), used: 0 };
        return { value: this.variable(n, pos), used: 1 };
      }
      case 'local': {
        const n = name(0);
        if (!n) return { value: this.fail(pos, 'local needs a name (local.NAME)'), used: 0 };
        return { value: this.local(n, pos), used: 1 };
      }
      case 'each':
      case 'count':
        return {
          value: this.fail(
            pos,
            `${root} is only valid inside a resource that sets ${root === 'each' ? 'for_each' : 'count'}`,
          ),
          used: 0,
        };
      case 'path':
        return { value: this.input.dir || '.', used: 1 };
      case 'terraform':
        return {
          value:
            name(0) === 'workspace'
              ? 'default'
              : this.fail(pos, `terraform.${name(0)} is not known to Plexus`),
          used: 1,
        };
      case 'self':
        return { value: this.fail(pos, 'self is only valid in provisioners'), used: 0 };
      case 'module':
        return {
          value: this.fail(
            pos,
            `module outputs are not read (module.${name(0) ?? ''}): give the value in plexus-values.yaml terraform.variables and use a variable`,
          ),
          used: 1,
        };
      case 'data': {
        const type = name(0);
        const n = name(1);
        if (!type || !n)
          return { value: this.fail(pos, 'data needs a type and a name (data.TYPE.NAME)'), used: 0 };
        const decl = this.data.get(`${type}.${n}`);
        if (!decl)
          return { value: this.fail(pos, `data.${type}.${n} is not declared in this module`), used: 2 };
        return this.resourceReference(decl, steps.slice(2), `data.${type}.${n}`, 2);
      }
      default: {
        const n = name(0);
        const decl = n ? this.resources.get(`${root}.${n}`) : undefined;
        if (!decl) {
          return {
            value: this.fail(
              pos,
              n && root.includes('_')
                ? `resource ${root}.${n} is not declared in this module`
                : `unknown name '${root}'`,
            ),
            used: 1,
          };
        }
        return this.resourceReference(decl, steps.slice(1), `${root}.${n}`, 1);
      }
    }
  }

  private resourceReference(
    decl: Declared,
    rest: readonly Step[],
    base: string,
    used: number,
  ): { value: Evaluated; used: number } {
    const isData = base.startsWith('data.');
    const instances = this.instances(decl);
    if (instances === UNKNOWN) return { value: UNKNOWN, used: used + rest.length };
    let inst: Instance | undefined;
    let consumed = used;
    let r = rest;
    if (this.multi(decl)) {
      const first = r[0];
      if (!first || !('index' in first)) {
        // The whole collection, e.g. for a splat: each instance's static attributes.
        const all = instances.map((i) => this.instanceObject(i, isData));
        if (all.includes(UNKNOWN)) return { value: UNKNOWN, used: consumed };
        const byKey = instances.every((i) => 'each' in i.bindings);
        const value: TfValue = byKey
          ? Object.fromEntries(
              instances.map((i, k) => [
                String((i.bindings.each as Record<string, TfValue>).key),
                all[k] as TfValue,
              ]),
            )
          : (all as TfValue[]);
        return { value, used: consumed };
      }
      const key = first.index as TfValue;
      const wanted =
        'count' in (instances[0]?.bindings ?? {})
          ? `${base}[${asNumber(key)}]`
          : `${base}[${JSON.stringify(asString(key))}]`;
      inst = instances.find((i) => i.address === wanted.replace(/^data\./, ''));
      if (!inst)
        return {
          value: this.fail(first.pos, `${base} has no instance [${JSON.stringify(first.index)}]`),
          used: consumed + 1,
        };
      consumed++;
      r = r.slice(1);
    } else inst = instances[0];
    const attr = r[0];
    if (!attr || !('attr' in attr)) return { value: this.instanceObject(inst, isData), used: consumed };
    return { value: this.attribute(inst, attr.attr, attr.pos, isData), used: consumed + 1 };
  }

  /** An instance as an object of what Plexus knows of it (for splats and whole-resource references). */
  private instanceObject(inst: Instance, isData: boolean): Evaluated {
    const out: Record<string, TfValue> = {};
    const names = new Set([...inst.decl.block.body.attributes.map((a) => a.name), 'name', 'id', 'arn']);
    for (const n of names) {
      if (META_ARGUMENTS.has(n)) continue;
      const { value, failed } = this.context({}).quietly(() =>
        this.attribute(inst, n, inst.decl.block.pos, isData),
      );
      if (!failed && value !== UNKNOWN) out[n] = value;
    }
    return out;
  }

  /** `TYPE.NAME.attr`: a value given in the values file, an argument as written, or what App Mesh assigns. */
  private attribute(inst: Instance, attr: string, pos: SourcePosition, isData: boolean): Evaluated {
    const address = isData ? `data.${inst.address}` : inst.address;
    const baseAddress = address.replace(/\[[^\]]*\]$/, '');
    const given =
      this.input.values.terraformResources.get(address)?.get(attr) ??
      this.input.values.terraformResources.get(baseAddress)?.get(attr);
    if (given) return plain(given.value) as TfValue;
    const key = `attr ${address}.${attr}`;
    const cached = this.memo.get(key);
    if (cached === 'evaluating')
      return this.fail(pos, `circular reference: ${address}.${attr} depends on itself`);
    if (cached !== undefined) return cached;
    this.memo.set(key, 'evaluating');
    const value = this.computeAttribute(inst, attr, pos, isData, address);
    if (value !== UNKNOWN || this.quiet === 0) this.memo.set(key, value);
    else this.memo.delete(key);
    return value;
  }

  private computeAttribute(
    inst: Instance,
    attr: string,
    pos: SourcePosition,
    isData: boolean,
    address: string,
  ): Evaluated {
    const body = inst.decl.block.body;
    const ctx = this.context(inst.bindings);
    const written = body.attributes.find((a) => a.name === attr);
    if (written && !META_ARGUMENTS.has(attr))
      return this.at(`${address}.${attr}`, () => evaluate(written.expr, ctx));
    const blocks = this.expandBlocks(body, ctx, address).filter((b) => b.type === attr);
    if (blocks.length > 0) {
      const items = blocks.map((b) => this.bodyToLocated(b.body, b.ctx, b.pos, `${address}.${attr}`));
      return items.includes(UNKNOWN) ? UNKNOWN : items.map((i) => plain(i as Located) as TfValue);
    }
    if (isData) {
      const builtin = BUILTIN_DATA[inst.decl.type]?.(this.input.values)[attr];
      if (builtin !== undefined) return builtin;
    } else {
      const type = TF_APPMESH_TYPES[inst.decl.type];
      if (type) {
        const computed = this.appMeshComputed(inst, type, attr, pos);
        if (computed !== undefined) return computed;
      }
    }
    return this.fail(
      pos,
      `${address}.${attr} is known only after terraform apply: give it in plexus-values.yaml terraform.resources["${address.replace(/\[[^\]]*\]$/, '')}"].${attr}` +
        (isData ? ' (data sources are not read by Plexus)' : ''),
    );
  }

  /** Attributes App Mesh assigns: id (a mesh's is its name), arn (from region and account), owners. */
  private appMeshComputed(
    inst: Instance,
    type: TfAppMeshType,
    attr: string,
    pos: SourcePosition,
  ): Evaluated | undefined {
    const v = this.input.values;
    const account = (): Evaluated => {
      const owner = inst.decl.block.body.attributes.find((a) => a.name === 'mesh_owner');
      if (owner) return evaluate(owner.expr, this.context(inst.bindings));
      return v.accountId
        ? (plain(v.accountId.value) as TfValue)
        : this.fail(pos, `${inst.address}.${attr} needs the account: give accountId in plexus-values.yaml`);
    };
    const own = (name: string) => this.attribute(inst, name, pos, false);
    switch (attr) {
      case 'id':
        if (type.kind === 'Mesh') return own('name');
        return this.fail(
          pos,
          `${inst.address}.id is an id App Mesh assigns; refer to ${inst.address}.name instead, or give the id in plexus-values.yaml terraform.resources`,
        );
      case 'mesh_owner':
      case 'resource_owner':
        return account();
      case 'arn': {
        const region = v.region
          ? (plain(v.region.value) as TfValue)
          : this.fail(pos, `${inst.address}.arn needs the region: give region in plexus-values.yaml`);
        const acct = account();
        const name = own('name');
        const mesh = type.kind === 'Mesh' ? name : own('mesh_name');
        const parent = type.parent ? own(type.parent) : undefined;
        if ([region, acct, name, mesh, parent].includes(UNKNOWN)) return UNKNOWN;
        const partition = String(BUILTIN_DATA.aws_partition(v).partition);
        return `arn:${partition}:appmesh:${String(region)}:${String(acct)}:mesh/${String(mesh)}${type.arnPath(String(name), parent === undefined ? undefined : String(parent))}`;
      }
      default:
        return undefined;
    }
  }

  private local(name: string, pos: SourcePosition): Evaluated {
    const a = this.locals.get(name);
    if (!a) return this.fail(pos, `local.${name} is not defined in this module`);
    const key = `local ${name}`;
    const cached = this.memo.get(key);
    if (cached === 'evaluating') return this.fail(pos, `circular reference: local.${name} depends on itself`);
    if (cached !== undefined) return cached;
    this.memo.set(key, 'evaluating');
    const v = this.at(`local.${name}`, () => evaluate(a.expr, this.context({})));
    if (v !== UNKNOWN || this.quiet === 0) this.memo.set(key, v);
    else this.memo.delete(key);
    return v;
  }

  private variable(name: string, pos: SourcePosition): Evaluated {
    const decl = this.variables.get(name);
    if (!decl)
      return this.fail(pos, `var.${name} is not declared in this module (add a variable "${name}" block)`);
    const key = `var ${name}`;
    const cached = this.memo.get(key);
    if (cached !== undefined && cached !== 'evaluating') return cached;
    const typeAttr = decl.body.attributes.find((a) => a.name === 'type');
    const type =
      typeAttr?.expr.t === 'variable'
        ? typeAttr.expr.name
        : typeAttr?.expr.t === 'call'
          ? typeAttr.expr.name
          : 'any';
    const given = this.input.variables.get(name);
    let value: Evaluated;
    let at: SourcePosition;
    if (given) {
      at = given.pos;
      value = given.value;
      if (given.raw && type !== 'string' && type !== 'any' && typeof value === 'string') {
        const expr = this.input.parseExpression(value, given.pos);
        value = expr
          ? evaluate(expr, this.context({}))
          : this.fail(given.pos, `var.${name} (${given.origin}): cannot read '${value}' as a ${type}`);
      }
    } else {
      const def = decl.body.attributes.find((a) => a.name === 'default');
      if (!def) {
        return this.remember(
          key,
          this.fail(
            pos,
            `variable '${name}' (${decl.file}:${decl.pos.line}) has no value and no default: give it in terraform.tfvars, ` +
              `with --parameters FILE (${name}=...), or in plexus-values.yaml terraform.variables.${name}`,
          ),
        );
      }
      at = def.pos;
      value = evaluate(def.expr, this.context({}));
    }
    if (value !== UNKNOWN) value = this.convert(value, type, name, at);
    if (value !== UNKNOWN) {
      for (const v of decl.body.blocks.filter((b) => b.type === 'validation')) {
        const cond = v.body.attributes.find((a) => a.name === 'condition');
        if (!cond) continue;
        const ok = evaluate(cond.expr, this.context({ var: { [name]: value } }));
        if (ok !== UNKNOWN && asBool(ok) === false) {
          const msgAttr = v.body.attributes.find((a) => a.name === 'error_message');
          const msg = msgAttr
            ? evaluate(msgAttr.expr, this.context({}))
            : 'the validation condition is false';
          value = this.fail(
            at,
            `var.${name} = ${JSON.stringify(value)}: ${typeof msg === 'string' ? msg : 'invalid value'}`,
          );
          break;
        }
      }
    }
    return this.remember(key, value);
  }

  private remember(key: string, v: Evaluated): Evaluated {
    if (v !== UNKNOWN || this.quiet === 0) this.memo.set(key, v);
    return v;
  }

  private convert(value: TfValue, type: string, name: string, at: SourcePosition): Evaluated {
    if (type === 'number') {
      const n = asNumber(value);
      return n === undefined ? this.fail(at, `var.${name} must be a number, got ${typeName(value)}`) : n;
    }
    if (type === 'bool') {
      const b = asBool(value);
      return b === undefined ? this.fail(at, `var.${name} must be true or false, got ${typeName(value)}`) : b;
    }
    if (type === 'string') {
      const s = value === null ? null : asString(value);
      return s === undefined ? this.fail(at, `var.${name} must be a string, got ${typeName(value)}`) : s;
    }
    return value;
  }
}

export type { ValueEntry };
