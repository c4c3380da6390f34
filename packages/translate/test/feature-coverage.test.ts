import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiLeafFields, repoRoot } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { caseNames } from './helpers/cases.ts';

const apiFields = apiLeafFields();

const rows = readFileSync(join(repoRoot, 'docs/feature-coverage.md'), 'utf8')
  .split('\n')
  .map((l) => /^\| `([^`]+)` \| ([^|]+) \| ([^|]*) \| (.*) \|$/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ field: m[1]!, status: m[2]!.trim(), golden: m[3]!.trim(), notes: m[4]!.trim() }));

describe('docs/feature-coverage.md', () => {
  it('lists each of the 262 App Mesh API leaf fields exactly once', () => {
    expect(apiFields.length).toBe(262);
    expect(rows.map((r) => r.field).sort()).toEqual([...apiFields].sort());
  });

  it('gives every field a known status; translated ones name an existing golden case, the rest a reason', () => {
    const cases = new Set(caseNames());
    for (const r of rows) {
      expect(['translated', 'validated only', 'refused'], r.field).toContain(r.status);
      if (r.status === 'translated') {
        expect(cases.has(r.golden), `${r.field}: golden case '${r.golden}'`).toBe(true);
        expect(existsSync(join(import.meta.dirname, 'golden', r.golden, 'out'))).toBe(true);
      } else {
        expect(r.notes.length, `${r.field} needs a reason`).toBeGreaterThan(10);
      }
    }
  });

  it('names every golden case at least once', () => {
    // Plexus's own extensions have a table of their own (no backticks: they are not App Mesh fields).
    const extensionGoldens = readFileSync(join(repoRoot, 'docs/feature-coverage.md'), 'utf8')
      .split('\n')
      .map((l) => /^\| (?:extensions\.|\(daemon\))[^|]+\| translated \| ([^|]+) \|/.exec(l)?.[1]?.trim())
      .filter((g): g is string => g !== undefined);
    // Policies (Plexus kinds) name theirs in their own sections: "Golden: `policy-jwt`".
    const policyGoldens = [
      ...readFileSync(join(repoRoot, 'docs/feature-coverage.md'), 'utf8').matchAll(/Golden: `([^`]+)`/g),
    ].map((m) => m[1]!);
    const named = new Set([...rows.map((r) => r.golden), ...extensionGoldens, ...policyGoldens]);
    for (const c of caseNames()) if (c !== 'defaults-switched') expect(named.has(c), c).toBe(true);
  });
});
