import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface Figure extends Spread {
  figure: string;
  unit: string;
  /** The goal, for the printout: e.g. '≤ 1000'. */
  goal?: string;
}

export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const num = (x: number) => (Number.isNaN(x) ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

export function printFigures(figures: Figure[]): void {
  const w = Math.max(...figures.map((f) => f.figure.length));
  console.log(
    `${'figure'.padEnd(w)}  ${'min'.padStart(9)} ${'median'.padStart(9)} ${'max'.padStart(9)}  unit  goal`,
  );
  for (const f of figures) {
    console.log(
      `${f.figure.padEnd(w)}  ${num(f.min).padStart(9)} ${num(f.median).padStart(9)} ${num(f.max).padStart(9)}  ${f.unit}  ${f.goal ?? ''}`,
    );
  }
}

export function writeResults(name: string, doc: object): string {
  const dir = `${BENCH}results`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/${name}.json`;
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

const HEADER = '| figure | command | machine | min | median | max | date |\n|---|---|---|---|---|---|---|';

/**
 * Replaces this benchmark's rows in BENCHMARKS.md (one `## <title>` section per benchmark, one table each),
 * leaving the other sections as they are.
 */
export function updateBenchmarksMd(
  title: string,
  command: string,
  machine: string,
  figures: Figure[],
  note: string,
): void {
  const path = `${ROOT}BENCHMARKS.md`;
  const text = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Plexus benchmarks\n\nOne table per benchmark: figure | command | machine | min | median | max | date.\n';
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const rows = figures.map(
    (f) =>
      `| ${f.figure} (${f.unit}) | \`${command}\` | ${machine} | ${num(f.min)} | ${num(f.median)} | ${num(f.max)} | ${date} |`,
  );
  const section = `## ${title}\n\n${note}\n\n${HEADER}\n${rows.join('\n')}\n`;
  const start = text.indexOf(`## ${title}\n`);
  let out: string;
  if (start < 0) out = `${text.trimEnd()}\n\n${section}`;
  else {
    const nextAt = text.indexOf('\n## ', start + 3);
    const end = nextAt < 0 ? text.length : nextAt + 1;
    // hand-written `###` notes after the table (analysis, before/after) survive a rerun
    const old = text.slice(start, end);
    const notesAt = old.indexOf('\n### ');
    const notes = notesAt < 0 ? '' : `\n${old.slice(notesAt + 1).trimEnd()}\n`;
    out = `${text.slice(0, start)}${section}${notes}${nextAt < 0 ? '' : '\n'}${text.slice(end)}`;
  }
  writeFileSync(path, out.replace(/\n{3,}/g, '\n\n'));
}
