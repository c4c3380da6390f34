import type { SourcePosition } from '@plexus/spec';
import type { Findings } from '../model/diagnostics.ts';
import { type Located, plain } from '../model/located.ts';
import type { ValueEntry } from '../values/values-file.ts';
import { type CfnMap, type CfnNode, entry } from './template-nodes.ts';

/** One `Parameters` entry of a template. */
export interface ParameterDeclaration {
  name: string;
  pos: SourcePosition;
  type: string;
  node: CfnMap;
}

/** A parameter's value: a string, or a list for List<...> and CommaDelimitedList types. */
export type ParameterValue = string | string[];

export function isListType(type: string): boolean {
  return (
    type === 'CommaDelimitedList' ||
    type.startsWith('List<') ||
    /^AWS::SSM::Parameter::Value<(List<|CommaDelimitedList)/.test(type)
  );
}

function scalarText(v: Located): string | undefined {
  if (v.kind === 'scalar') return v.value === null ? '' : String(v.value);
  if (v.kind === 'list') return v.items.map((i) => String(plain(i))).join(',');
  return undefined;
}

/**
 * A given (or default) value checked against the declaration's Type, AllowedValues, AllowedPattern,
 * Min/MaxLength and Min/MaxValue, as CloudFormation checks it at deploy time; problems are errors at the
 * value (the parameters file line, or the Default).
 */
export function checkParameter(
  decl: ParameterDeclaration,
  given: ValueEntry,
  origin: string,
  findings: Findings,
): ParameterValue | undefined {
  const text = scalarText(given.value);
  const where = `Parameters.${decl.name}`;
  if (text === undefined) {
    findings.error(
      given.pos,
      where,
      `parameter '${decl.name}' (${origin}) must be a string, number or list, not a mapping`,
    );
    return undefined;
  }
  const list = isListType(decl.type);
  const items = list ? (text === '' ? [] : text.split(',').map((s) => s.trim())) : [text];
  const numeric = decl.type === 'Number' || decl.type === 'List<Number>';
  const constraint = stringOf(entry(decl.node, 'ConstraintDescription')?.value);
  const fail = (why: string) => {
    findings.error(
      given.pos,
      where,
      `parameter '${decl.name}' = '${text}' (${origin}) ${why}${constraint ? ` (${constraint})` : ''}`,
    );
    return undefined;
  };
  for (const item of items) {
    if (numeric && (item === '' || !Number.isFinite(Number(item))))
      return fail(`is not a number (Type ${decl.type})`);
    const allowed = entry(decl.node, 'AllowedValues')?.value;
    if (allowed?.t === 'seq') {
      const values = allowed.items.map((i) => (i.t === 'scalar' ? String(i.value) : ''));
      if (!values.includes(item)) return fail(`is not one of the AllowedValues: ${values.join(', ')}`);
    }
    const pattern = stringOf(entry(decl.node, 'AllowedPattern')?.value);
    if (pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${pattern})$`, 'u');
      } catch {
        findings.error(
          entry(decl.node, 'AllowedPattern')!.keyPos,
          `${where}.AllowedPattern`,
          `AllowedPattern is not a regular expression Plexus can read: ${pattern}`,
        );
        return undefined;
      }
      if (!re.test(item)) return fail(`does not match the AllowedPattern ${pattern}`);
    }
    const minLength = numberOf(entry(decl.node, 'MinLength')?.value);
    const maxLength = numberOf(entry(decl.node, 'MaxLength')?.value);
    if (minLength !== undefined && item.length < minLength)
      return fail(`is shorter than MinLength ${minLength}`);
    if (maxLength !== undefined && item.length > maxLength)
      return fail(`is longer than MaxLength ${maxLength}`);
    const minValue = numberOf(entry(decl.node, 'MinValue')?.value);
    const maxValue = numberOf(entry(decl.node, 'MaxValue')?.value);
    if (minValue !== undefined && Number(item) < minValue) return fail(`is less than MinValue ${minValue}`);
    if (maxValue !== undefined && Number(item) > maxValue) return fail(`is more than MaxValue ${maxValue}`);
  }
  return list ? items : text;
}

function stringOf(node: CfnNode | undefined): string | undefined {
  return node?.t === 'scalar' && node.value !== null ? String(node.value) : undefined;
}

function numberOf(node: CfnNode | undefined): number | undefined {
  const s = stringOf(node);
  return s !== undefined && Number.isFinite(Number(s)) ? Number(s) : undefined;
}
