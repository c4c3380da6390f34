import { checkSchema } from '../schema/dsl.ts';
import { SPEC_SCHEMAS } from '../schema/index.ts';
import type { ResourceRule } from './context.ts';
import { specDiagnostic } from './diagnostic.ts';

/** The App Mesh API shape: types, enums, ranges, lengths, patterns, list limits, unions, unknown fields. */
export const schemaRule: ResourceRule = (r, ctx) => {
  const schema = SPEC_SCHEMAS[r.kind];
  if (!schema) return;
  for (const issue of checkSchema(schema, r.spec ?? {})) {
    ctx.out.push(specDiagnostic(r, 'error', issue.path, issue.message));
  }
};
