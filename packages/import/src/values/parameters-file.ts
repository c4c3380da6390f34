import type { SourceFile, SourcePosition } from '@plexus/spec';
import { parseTemplate } from '../cloudformation/template-nodes.ts';
import type { Findings } from '../model/diagnostics.ts';
import type { ValueEntry } from './values-file.ts';
import { toLocated } from './values-file.ts';

/**
 * Parameter values in the forms people already keep them:
 * - `[{"ParameterKey": "K", "ParameterValue": "V"}, ...]`, as `aws cloudformation create-stack --parameters`;
 * - `{"Parameters": {"K": "V"}}`, a CodePipeline template configuration file (Tags, StackPolicy ignored);
 * - `{"K": "V"}`, a plain map;
 * - `K=V` lines, as `aws cloudformation deploy --parameter-overrides` (and Terraform's `-var`) take them;
 *   `#` starts a comment line, one pair per line, quotes around the value are dropped.
 */
export function parseParametersFile(file: SourceFile, findings: Findings): Map<string, ValueEntry> {
  const out = new Map<string, ValueEntry>();
  const text = file.content;
  const first = text.match(/\S/)?.[0];
  if (first !== '[' && first !== '{') return parseKeyValueLines(file, findings);
  const parsed = parseTemplate(file, { intrinsics: false });
  for (const e of parsed.errors) findings.error(e.pos, '', `parameters file: ${e.message}`);
  const root = parsed.root;
  if (!root) return out;
  if (root.t === 'seq') {
    root.items.forEach((item, i) => {
      const key = item.t === 'map' ? item.entries.find((e) => e.key === 'ParameterKey') : undefined;
      const value = item.t === 'map' ? item.entries.find((e) => e.key === 'ParameterValue') : undefined;
      const previous = item.t === 'map' ? item.entries.find((e) => e.key === 'UsePreviousValue') : undefined;
      if (key?.value.t !== 'scalar') {
        findings.error(item.pos, `[${i}]`, 'each entry needs "ParameterKey" (and "ParameterValue")');
        return;
      }
      if (!value) {
        if (previous)
          findings.error(
            previous.keyPos,
            `[${i}].UsePreviousValue`,
            `UsePreviousValue needs the deployed stack: give "ParameterValue" for ${String(key.value.value)}`,
          );
        else findings.error(item.pos, `[${i}]`, `"ParameterValue" is missing for ${String(key.value.value)}`);
        return;
      }
      out.set(String(key.value.value), { value: toLocated(value.value), pos: value.value.pos });
    });
    return out;
  }
  if (root.t !== 'map') {
    findings.error(
      root.pos,
      '',
      'a parameters file is a list of {ParameterKey, ParameterValue}, a {"Parameters": {...}} object or K=V lines',
    );
    return out;
  }
  const pipeline = root.entries.find((e) => e.key === 'Parameters');
  const map = pipeline ? pipeline.value : root;
  if (map.t !== 'map') {
    findings.error(map.pos, 'Parameters', '"Parameters" is an object of name → value');
    return out;
  }
  for (const e of map.entries) out.set(e.key, { value: toLocated(e.value), pos: e.value.pos });
  return out;
}

function parseKeyValueLines(file: SourceFile, findings: Findings): Map<string, ValueEntry> {
  const out = new Map<string, ValueEntry>();
  file.content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const pos: SourcePosition = { file: file.path, line: i + 1, col: raw.indexOf(line) + 1 };
    const eq = line.indexOf('=');
    if (eq <= 0) {
      findings.error(pos, '', `expected Key=Value, got '${line}'`);
      return;
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value) && value.length >= 2) value = value.slice(1, -1);
    const valuePos = { ...pos, col: pos.col + eq + 1 };
    out.set(key, { value: { kind: 'scalar', value, pos: valuePos }, pos: valuePos });
  });
  return out;
}
