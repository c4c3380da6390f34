import type { Diagnostic, SkippedDocument, SourcePosition, SpecResource } from '@plexus/spec';
import { Findings } from '../model/diagnostics.ts';
import { locate, plain } from '../model/located.ts';
import type { ValueEntry, Values } from '../values/values-file.ts';
import { type Evaluated, NO_VALUE, UNRESOLVED } from './intrinsics.ts';
import { type ExportLookup, Stack } from './stack.ts';
import type { CfnMap } from './template-nodes.ts';

/** A template ready to read as a stack: its text parsed, its values and parameters found. */
export interface StackSource {
  file: string;
  root: CfnMap;
  stackName: string;
  values: Values;
  parameters: Map<string, { entry: ValueEntry; origin: string }>;
  describe: string;
}

export interface StacksResult {
  resources: SpecResource[];
  diagnostics: Diagnostic[];
  skipped: SkippedDocument[];
}

/**
 * Reads stacks together, as CloudFormation deploys them into one account: Fn::ImportValue finds the
 * export of another stack in the same load (unless the values file gives it).
 */
export function readStacks(sources: readonly StackSource[]): StacksResult {
  const stacks: Stack[] = [];
  const inProgress = new Set<string>();
  const exports: ExportLookup = {
    find(name: string, from: Stack, pos: SourcePosition, path: string): Evaluated {
      for (const s of stacks) {
        if (s === from) continue;
        const key = `${s.name}\u0000${name}`;
        if (inProgress.has(key)) {
          return from.fail(
            pos,
            path,
            `circular reference: export '${name}' of stack ${s.name} imports itself`,
          );
        }
        inProgress.add(key);
        const inner = new Findings();
        let v: Evaluated | undefined;
        try {
          v = s.reportingTo(inner, () => s.exportValue(name));
        } finally {
          inProgress.delete(key);
        }
        if (v === undefined) continue;
        if (v === UNRESOLVED || v === NO_VALUE) {
          const why = inner.list.map((d) => `${d.file}:${d.line}: ${d.message}`).join('; ');
          return from.fail(
            pos,
            path,
            `export '${name}' of stack ${s.name} cannot be evaluated${why ? `: ${why}` : ''}`,
          );
        }
        return locate(plain(v), pos);
      }
      return from.fail(
        pos,
        path,
        `Fn::ImportValue '${name}': no stack in the input exports it: give it in plexus-values.yaml (exports: {"${name}": ...})`,
      );
    },
  };
  for (const src of sources) {
    stacks.push(
      new Stack({
        file: src.file,
        root: src.root,
        stackName: src.stackName,
        values: src.values,
        parameters: src.parameters,
        exports,
        describe: src.describe,
      }),
    );
  }
  const out: StacksResult = { resources: [], diagnostics: [], skipped: [] };
  for (const s of stacks) {
    const read = s.read();
    out.resources.push(...read.resources);
    out.skipped.push(...read.skipped);
  }
  // After every stack read: an import may have reported into the stack it imported from.
  for (const s of stacks) out.diagnostics.push(...s.findings.list);
  return out;
}
