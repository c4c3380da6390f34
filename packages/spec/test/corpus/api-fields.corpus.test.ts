/** The project's copy of the App Mesh API leaf fields and docs/feature-coverage.md against api-fields.md. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiLeafFields, corpusDir, repoRoot } from '@plexus/testkit';
import { expect, it } from 'vitest';

const reference = readFileSync(join(corpusDir, '..', 'api-fields.md'), 'utf8')
  .split('\n')
  .map((l) => /^- \[[ x]\] `([^`]+)`/.exec(l)?.[1])
  .filter((f): f is string => f !== undefined);

it('packages/testkit/fixtures/api-leaf-fields.txt holds exactly the leaf fields of api-fields.md', () => {
  expect(reference).toHaveLength(262);
  expect([...apiLeafFields()].sort()).toEqual([...reference].sort());
});

it('docs/feature-coverage.md lists the fields in api-fields.md order', () => {
  const rows = readFileSync(join(repoRoot, 'docs/feature-coverage.md'), 'utf8')
    .split('\n')
    .map((l) => /^\| `([^`]+)` \|/.exec(l)?.[1])
    .filter((f): f is string => f !== undefined);
  expect(rows).toEqual(reference);
});
