// Reads vitest JSON reports (npm test, npm run test:corpus) and prints the one closing line CI looks for.
// Failed = failed tests, plus each test file that failed without a failed test (it did not load, or a hook
// failed before its tests ran), plus one for a run that failed with nothing else to show (an unhandled error).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Counts of one report object; `note` says why a failure was counted that no test shows. */
export function countReport(report) {
  let failed = report.numFailedTests ?? 0;
  const notes = [];
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) {
      failed++;
      notes.push(`${file.name}: ${(file.message ?? 'failed').split('\n')[0]}`);
    }
  }
  if (report.success === false && failed === 0) {
    failed = 1;
    notes.push('the run failed with an error outside any test (see the log above)');
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    notes,
  };
}

/** Sums the reports at `files`; a missing or unreadable report counts as one failure. */
export function summarise(files) {
  const total = { passed: 0, failed: 0, skipped: 0, notes: [] };
  for (const file of files) {
    let c;
    try {
      c = countReport(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      c = { passed: 0, failed: 1, skipped: 0, notes: [`no test report at ${file}: ${err.message}`] };
    }
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
    total.notes.push(...c.notes);
  }
  return total;
}

export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const total = summarise(process.argv.slice(2));
  for (const n of total.notes) console.error(`counted as failed: ${n}`);
  console.log(closingLine(total));
}
