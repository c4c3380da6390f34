/**
 * Every commit the controller makes says what it did in git trailers, so the rollout's state survives a restart
 * and reads back from `git log`: which rollout, which version of its spec, and the phase it moved to.
 */
export type CommittedPhase = { kind: 'step'; step: number } | { kind: 'promoted' } | { kind: 'rolled-back' };

export interface RolloutTrailers {
  /** `mesh/name` of the Rollout. */
  rollout: string;
  /** Hash of the Rollout's spec (a changed spec starts over). */
  spec: string;
  phase: CommittedPhase;
}

const ROLLOUT = 'Plexus-Rollout';
const SPEC = 'Plexus-Rollout-Spec';
const PHASE = 'Plexus-Rollout-Phase';

export function phaseText(p: CommittedPhase): string {
  return p.kind === 'step' ? `step ${p.step}` : p.kind;
}

export function trailerLines(t: RolloutTrailers): string {
  return `${ROLLOUT}: ${t.rollout}\n${SPEC}: ${t.spec}\n${PHASE}: ${phaseText(t.phase)}`;
}

function parsePhase(v: string): CommittedPhase | undefined {
  const m = /^step (\d+)$/.exec(v);
  if (m) return { kind: 'step', step: Number(m[1]) };
  if (v === 'promoted' || v === 'rolled-back') return { kind: v };
  return undefined;
}

/** The trailers of a commit message, or undefined when it is not a rollout commit. */
export function parseTrailers(message: string): RolloutTrailers | undefined {
  const values = new Map<string, string>();
  for (const line of message.split('\n')) {
    const m = /^(Plexus-Rollout(?:-Spec|-Phase)?): (.+)$/.exec(line.trim());
    if (m) values.set(m[1]!, m[2]!.trim());
  }
  const rollout = values.get(ROLLOUT);
  const spec = values.get(SPEC);
  const phase = parsePhase(values.get(PHASE) ?? '');
  return rollout && spec && phase ? { rollout, spec, phase } : undefined;
}
