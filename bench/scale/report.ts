import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** How many values the spread is over; one sample is shown as one value, not as min = median = max. */
  samples: number;
}

export interface Figure extends Spread {
  figure: string;
  unit: string;
  /** The goal, for the printout: e.g. '≤ 1000'. */
  goal?: string;
  /** One statistic over `samples` values (a pooled percentile): shown as one value, not as a spread. */
  single?: boolean;
}

/** A pooled tail figure: the p99 of all `xs` if there are at least 20, else their max, named accordingly. */
export function pooledTail(figure: string, unit: string, xs: number[], goal?: string): Figure {
  const label = tailLabel(xs.length);
  return {
    figure: `${figure} ${label}`,
    unit,
    goal,
    min: Number.NaN,
    median: xs.length >= MIN_PERCENTILE_SAMPLES ? percentile(xs, 99) : percentile(xs, 100),
    max: Number.NaN,
    samples: xs.length,
    single: true,
  };
}

export function spread(xs: number[]): Spread {
  if (xs.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, samples: 0 };
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1], samples: s.length };
}

/** Fewest samples a percentile is named for; below it the figure is "max of N". */
export const MIN_PERCENTILE_SAMPLES = 20;

/**
 * A tail-latency label that says what it is: `p99` from at least 20 samples, otherwise `max of N`
 * (a p99 of 3 values is just their maximum).
 */
export function tailLabel(samples: number, p = 99): string {
  return samples >= MIN_PERCENTILE_SAMPLES ? `p${p}` : `max of ${samples}`;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const num = (x: number) => (Number.isNaN(x) ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** min / median / max as printed: a single sample is its value in the median column, min and max blank. */
function cells(f: Figure): [string, string, string] {
  if (f.single || (f.samples ?? 0) === 1) return ['–', num(f.median), '–'];
  return [num(f.min), num(f.median), num(f.max)];
}

export function printFigures(figures: Figure[]): void {
  const w = Math.max(...figures.map((f) => f.figure.length));
  console.log(
    `${'figure'.padEnd(w)}  ${'min'.padStart(9)} ${'median'.padStart(9)} ${'max'.padStart(9)} ${'n'.padStart(4)}  unit  goal`,
  );
  for (const f of figures) {
    const [lo, mid, hi] = cells(f);
    console.log(
      `${f.figure.padEnd(w)}  ${lo.padStart(9)} ${mid.padStart(9)} ${hi.padStart(9)} ${String(f.samples ?? '').padStart(4)}  ${f.unit}  ${f.goal ?? ''}`,
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

const HEADER =
  '| figure | command | machine | min | median | max | samples | date |\n|---|---|---|---|---|---|---|---|';

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
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  writeFileSync(path, withSection(text, { title, command, machine, figures, note, date }));
}

export interface Section {
  title: string;
  command: string;
  machine: string;
  figures: Figure[];
  note: string;
  date: string;
}

/** `text` (BENCHMARKS.md) with the section `## <title>` replaced by, or appended as, a table of `figures`. */
export function withSection(text: string, s: Section): string {
  const doc =
    text ||
    '# Plexus benchmarks\n\nOne table per benchmark: figure | command | machine | min | median | max | samples | date.\n';
  const rows = s.figures.map((f) => {
    const [lo, mid, hi] = cells(f);
    return `| ${f.figure} (${f.unit}) | \`${s.command}\` | ${s.machine} | ${lo} | ${mid} | ${hi} | ${f.samples} | ${s.date} |`;
  });
  const section = `## ${s.title}\n\n${s.note}\n\n${HEADER}\n${rows.join('\n')}\n`;
  const start = doc.indexOf(`## ${s.title}\n`);
  if (start < 0) return `${doc.trimEnd()}\n\n${section}`;
  const nextAt = doc.indexOf('\n## ', start + 3);
  const end = nextAt < 0 ? doc.length : nextAt + 1;
  // hand-written `###` notes after the table (analysis, before/after) survive a rerun
  const old = doc.slice(start, end);
  const notesAt = old.indexOf('\n### ');
  const notes = notesAt < 0 ? '' : `\n${old.slice(notesAt + 1).trimEnd()}\n`;
  const out = `${doc.slice(0, start)}${section}${notes}${nextAt < 0 ? '' : '\n'}${doc.slice(end)}`;
  return out.replace(/\n{3,}/g, '\n\n');
}

export interface Publication {
  /** bench/results/<name>.json */
  name: string;
  /** The `## <title>` section of BENCHMARKS.md this benchmark owns. */
  title: string;
  command: string;
  /** What was measured and how, printed above the table. */
  note: string;
  figures: Figure[];
  loadAverage: { start: number; end: number };
  /** Per-run values behind the figures, kept in the results file. */
  raw: object;
}

/**
 * Prints the figures, then (unless the run was given `--no-write`) writes bench/results/<name>.json and
 * rewrites this benchmark's BENCHMARKS.md section from it.
 */
export function publish(p: Publication, machineName: string): void {
  printFigures(p.figures);
  if (process.argv.includes('--no-write')) return;
  const path = writeResults(p.name, {
    command: p.command,
    machine: machineName,
    loadAverage: p.loadAverage,
    date: new Date().toISOString(),
    figures: p.figures,
    raw: p.raw,
  });
  updateBenchmarksMd(p.title, p.command, machineName, p.figures, p.note);
  console.log(`wrote ${path} and BENCHMARKS.md`);
}

/** The command line that produced a run, as it goes in the table: `npm run bench:x -- <args>`. */
export function commandLine(script: string): string {
  const args = process.argv.slice(2).filter((a) => a !== '--no-write');
  return args.length ? `npm run ${script} -- ${args.join(' ')}` : `npm run ${script}`;
}
