import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { closingLine, countReport, summarise } from '../ci-summary.js';

const file = (name: string, tests: string[], extra: object = {}) => ({
  name,
  status: tests.includes('failed') ? 'failed' : 'passed',
  assertionResults: tests.map((status) => ({ status })),
  ...extra,
});

it('counts a failed test once, though vitest also counts its file and describe block as failed suites', () => {
  const report = {
    numPassedTests: 4,
    numFailedTests: 1,
    numFailedTestSuites: 2,
    success: false,
    testResults: [file('a.test.ts', ['passed', 'passed']), file('b.test.ts', ['passed', 'passed', 'failed'])],
  };
  expect(countReport(report)).toMatchObject({ passed: 4, failed: 1 });
});

it('counts a file that failed to load, and a run that failed outside any test', () => {
  const broken = file('c.test.ts', [], { status: 'failed', message: 'SyntaxError: nope\n at ...' });
  const c = countReport({
    numPassedTests: 2,
    numFailedTests: 0,
    testResults: [file('a', ['passed']), broken],
  });
  expect(c).toMatchObject({ passed: 2, failed: 1, notes: ['c.test.ts: SyntaxError: nope'] });
  expect(countReport({ numPassedTests: 3, numFailedTests: 0, success: false, testResults: [] }).failed).toBe(
    1,
  );
});

const dir = mkdtempSync(join(tmpdir(), 'plexus-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('sums several reports into one line, and a missing report is a failure', () => {
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  writeFileSync(
    a,
    JSON.stringify({ numPassedTests: 10, numFailedTests: 0, numPendingTests: 1, success: true }),
  );
  writeFileSync(b, JSON.stringify({ numPassedTests: 5, numFailedTests: 2, success: false }));
  expect(closingLine(summarise([a, b]))).toBe('15 passed, 2 failed, 1 skipped');
  expect(closingLine(summarise([a, join(dir, 'none.json')]))).toBe('10 passed, 1 failed, 1 skipped');
});
