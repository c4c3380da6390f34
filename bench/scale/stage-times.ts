import { existsSync, readFileSync } from 'node:fs';
import type { CommitTimes } from './repo.ts';
import { spread } from './report.ts';

export interface StageTimes {
  /** `git commit` itself, up to the moment it moved the branch ref (the harness's cost, not the daemon's). */
  gitCommitMs: number[];
  /** ref moved → the source read the new tree ('revision seen'). */
  gitMs: number[];
  /** 'revision seen' → 'revision valid' (spec load and validation). */
  specMs: number[];
  /** 'revision valid' → 'revision applied' (graph, discovery, translate, push to the xDS server). */
  applyMs: number[];
  /** 'revision applied' → 'revision converged' (affected proxies ACKed, as the daemon saw it). */
  ackMs: number[];
}

/** Per-commit stage durations from the daemon's own log (pino JSON lines), for the commits the harness made. */
export function stageTimes(logFile: string, commits: Map<string, CommitTimes>): StageTimes {
  const out: StageTimes = { gitCommitMs: [], gitMs: [], specMs: [], applyMs: [], ackMs: [] };
  if (!existsSync(logFile)) return out;
  const at = new Map<string, Record<string, number>>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { time: number; msg: string; revision?: string; cause?: string };
    if (!e.revision || !commits.has(e.revision)) continue;
    const r = at.get(e.revision) ?? {};
    at.set(e.revision, r);
    if (e.msg === 'revision seen') r.seen = e.time;
    else if (e.msg === 'revision valid') r.valid = e.time;
    else if (e.msg === 'revision applied' && e.cause === 'revision') r.applied = e.time;
    else if (e.msg === 'revision converged') r.converged ??= e.time;
  }
  for (const [sha, { startedAt, landedAt }] of commits) {
    const r = at.get(sha);
    if (!r?.seen || !r.valid || !r.applied) continue;
    out.gitCommitMs.push(Math.round(landedAt - startedAt));
    out.gitMs.push(Math.round(r.seen - landedAt));
    out.specMs.push(r.valid - r.seen);
    out.applyMs.push(r.applied - r.valid);
    if (r.converged) out.ackMs.push(r.converged - r.applied);
  }
  return out;
}

export function describeStages(s: StageTimes): string {
  const f = (xs: number[]) => {
    const x = spread(xs);
    return `${x.min}/${x.median}/${x.max}`;
  };
  return `git commit ${f(s.gitCommitMs)} ms, ref → tree read ${f(s.gitMs)} ms, spec ${f(s.specMs)} ms, graph→xDS ${f(s.applyMs)} ms, push→ACK ${f(s.ackMs)} ms (min/median/max)`;
}

/** Each commit's source + spec + apply stages in commit order (the first one runs code the start never ran). */
export function describeCommits(s: StageTimes): string {
  return s.gitMs.map((g, i) => `${g}+${s.specMs[i]}+${s.applyMs[i]}`).join(', ');
}
