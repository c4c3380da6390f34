import type { RouteTargetWindow } from '@plexus/telemetry';

export type RolloutPhase = 'starting' | 'progressing' | 'promoted' | 'rolled-back' | 'blocked';

/** One rollout as GET /api/v1/status (`rollouts`), `plexus status` and the console show it. */
export interface RolloutStatus {
  mesh: string;
  name: string;
  /** `virtualRouter/route`. */
  route: string;
  stable: string;
  canary: string;
  phase: RolloutPhase;
  /** 1-based step while progressing (the last step it reached otherwise); 0 before the first. */
  step: number;
  steps: number;
  canaryWeight: number;
  stepStartedAt: string | null;
  /** When the step's hold ends (gates passing). */
  stepEndsAt: string | null;
  /** The last gate check: the canary and stable edges over its window, and what the gates said. */
  gate: {
    windowSeconds: number;
    canary: RouteTargetWindow;
    stable: RouteTargetWindow;
    verdict: 'pass' | 'fail' | 'insufficient' | 'no-gates';
  } | null;
  /** One line for people: where it is and why. */
  message: string;
  /** Commits this controller made for the rollout, oldest first (this process's; `git log` has them all). */
  commits: Array<{ commit: string; phase: string; at: string }>;
  /** The last write's refusal, when a commit could not be made. */
  error?: string;
}
