import {
  CORPUS,
  type CorpusEntry,
  EXPECTED_FAILURES,
  independentCount,
  needsNames,
  readCorpusFile,
  wrapWithNames,
} from '@plexus/testkit/corpus';
import { describe, expect, test } from 'vitest';
import { KINDS, type Kind, loadAndValidate, loadFiles, type SourceFile } from '../../src/index.ts';

function countsByKind(kinds: Kind[]): Partial<Record<Kind, number>> {
  const out: Partial<Record<Kind, number>> = {};
  for (const k of kinds) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function normalise(counts: Partial<Record<Kind, number>>): Record<string, number> {
  return Object.fromEntries(KINDS.filter((k) => (counts[k] ?? 0) > 0).map((k) => [k, counts[k]!]));
}

/** The file as the walkthrough used it: CLI JSON without names gets the names its script passed. */
function asUsed(entry: CorpusEntry): SourceFile {
  const file = readCorpusFile(entry);
  return entry.format === 'cli-json' && needsNames(file.content) ? wrapWithNames(file) : file;
}

test('the corpus copy is complete and every expected failure names a corpus file', () => {
  expect(CORPUS).toHaveLength(170);
  const files = new Set(CORPUS.map((e) => e.file));
  for (const file of EXPECTED_FAILURES.keys()) expect(files).toContain(file);
  for (const f of EXPECTED_FAILURES.values()) expect(f.reason.length).toBeGreaterThan(20);
});

describe.each(CORPUS.map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const expected = EXPECTED_FAILURES.get(entry.file);

  test('the model holds every App Mesh resource of the file', () => {
    const file = asUsed(entry);
    const { resources, skipped } = loadFiles([file], { partial: true });
    const want = { ...independentCount(entry, file.content) };
    for (const [kind, n] of Object.entries(expected?.lost ?? {}))
      want[kind as Kind] = (want[kind as Kind] ?? 0) - n;
    expect(normalise(countsByKind(resources.map((r) => r.kind)))).toEqual(normalise(want));
    if (entry.format === 'cloudformation') {
      expect(skipped).toHaveLength(1);
      expect(skipped[0].reason).toContain('CloudFormation template');
    }
  });

  if (entry.format === 'cli-json' && needsNames(readCorpusFile(entry).content)) {
    test('as published (no names) it is rejected with what to add', () => {
      const { resources, diagnostics } = loadFiles([readCorpusFile(entry)]);
      expect(resources).toEqual([]);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ severity: 'error', file: entry.file, line: 1 });
      expect(diagnostics[0].message).toContain('meshName');
    });
  }

  test(expected ? `fails validation: ${expected.reason}` : 'validates with --partial', () => {
    const result = loadAndValidate([asUsed(entry)], { partial: true });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (!expected) {
      expect(errors).toEqual([]);
      expect(result.ok).toBe(true);
      return;
    }
    expect(result.ok).toBe(false);
    for (const e of errors) expect(e.file).toBe(entry.file);
    if (expected.line !== undefined) expect(errors[0].line).toBe(expected.line);
    if (expected.message !== undefined) expect(errors[0].message).toContain(expected.message);
  });
});
