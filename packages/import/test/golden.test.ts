/**
 * Golden tests for the readers: each case is `golden/<case>/in/` (the IaC as a user has it) beside
 * `golden/<case>/out/` (what Plexus reads from it: resources with origin, position and API-shaped spec, every
 * diagnostic as `plexus validate` prints it, skipped documents). `UPDATE_GOLDEN=1` rewrites out/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, loadAndValidate, resourceId } from '@plexus/spec';
import { repoRoot } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { createImportReaders } from '../src/index.ts';
import { goldenCases, goldenRoot, readTree } from './helpers.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const readers = await createImportReaders();

describe.each(goldenCases())('golden %s', (name) => {
  const files = readTree(join(goldenRoot, name, 'in'));
  const result = loadAndValidate(files, { partial: true, readers });
  const outDir = join(goldenRoot, name, 'out');
  const actual = {
    'resources.json': `${JSON.stringify(
      result.resources.map((r) => ({
        id: resourceId(r),
        format: r.format,
        origin: r.origin,
        at: `${r.position.file}:${r.position.line}:${r.position.col}`,
        spec: r.spec,
      })),
      null,
      2,
    )}\n`,
    'diagnostics.txt':
      result.diagnostics.map(formatDiagnostic).join('\n') + (result.diagnostics.length ? '\n' : ''),
    'skipped.txt': result.skipped.map((s) => `${s.file}:${s.line}: ${s.reason}\n`).join(''),
  };

  it('matches out/', () => {
    if (UPDATE) {
      mkdirSync(outDir, { recursive: true });
      for (const [f, text] of Object.entries(actual)) writeFileSync(join(outDir, f), text);
      // Leave them as the repo's formatter wants them, so regenerating does not fail `biome check`.
      execFileSync(join(repoRoot, 'node_modules/.bin/biome'), ['format', '--write', outDir], {
        stdio: 'ignore',
      });
    }
    for (const [f, text] of Object.entries(actual)) {
      const golden = readFileSync(join(outDir, f), 'utf8');
      if (f.endsWith('.json')) expect(JSON.parse(text), `${name}/out/${f}`).toEqual(JSON.parse(golden));
      else expect(text, `${name}/out/${f}`).toEqual(golden);
    }
  });

  it(name.endsWith('-errors') ? 'reports errors, each with file:line and field path' : 'validates', () => {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!name.endsWith('-errors')) {
      expect(errors.map(formatDiagnostic)).toEqual([]);
      expect(result.resources.length).toBeGreaterThan(0);
      return;
    }
    expect(errors.length).toBeGreaterThan(3);
    for (const e of errors) {
      expect(e.file).toMatch(/\S/);
      expect(e.line).toBeGreaterThan(0);
      expect(e.path, formatDiagnostic(e)).not.toBe('');
    }
  });
});
