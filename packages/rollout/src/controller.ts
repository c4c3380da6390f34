import { createHash } from 'node:crypto';
import { ApiError, type ApplyState, type Plan, stableJson } from '@plexus/api';
import { durationSeconds, type RolloutSpec, type SpecResource } from '@plexus/spec';
import type { RouteTargetRef, RouteTargetWindow } from '@plexus/telemetry';
import { DEFAULT_GATE_WINDOW_SECONDS, judge, type Verdict } from './gates.ts';
import type { RolloutPhase, RolloutStatus } from './status.ts';
import { type CommittedPhase, parseTrailers, phaseText, trailerLines } from './trailers.ts';
import { AlreadyThere, weightsPlan } from './weights-plan.ts';

export interface CommitAuthorLike {
  name: string;
  email: string;
}

export interface RolloutControllerOptions {
  /** Commits a plan on the tracked branch and waits until the daemon applied it (the App Mesh API's writer). */
  write(plan: Plan, author: CommitAuthorLike): Promise<{ commit: string; apply: ApplyState }>;
  /** Recent commit messages of the tracked branch, newest first (where a restarted controller picks up). */
  history(): Promise<Array<{ commit: string; message: string }>>;
  /** One route target's traffic over the last `seconds`, from mesh telemetry. */
  telemetry(ref: RouteTargetRef, seconds: number): RouteTargetWindow;
  log?: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
  now?: () => number;
  /** How often the controller wakes (each rollout still checks at its own `interval`). Default 250 ms. */
  tickMs?: number;
}

export const ROLLOUT_AUTHOR: CommitAuthorLike = { name: 'Plexus rollout', email: 'rollout@plexus.invalid' };
const DEFAULT_INTERVAL_SECONDS = 1;
const RETRY_MS = 5_000;
const MAX_GATE_WINDOW_SECONDS = 60;

type Rollout = SpecResource<RolloutSpec>;

interface Run {
  key: string;
  r: Rollout;
  hash: string;
  phase: RolloutPhase;
  /** 0-based index of the step it is at (progressing), or reached. */
  step: number;
  canaryWeight: number;
  stepStartedMs: number;
  /** The step saw enough canary requests for the gates to judge at least once. */
  judged: boolean;
  busy: boolean;
  nextCheckMs: number;
  gate: RolloutStatus['gate'];
  message: string;
  error?: string;
  commits: RolloutStatus['commits'];
}

export function specHash(spec: RolloutSpec): string {
  return createHash('sha256').update(stableJson(spec)).digest('hex').slice(0, 12);
}

const keyOf = (r: Rollout) => `${r.mesh}/${r.name}`;
const seconds = (d: string) => durationSeconds(d);

/**
 * Canaries from Git: for each Rollout of the applied revision, moves the route's weights step by step by
 * committing to the tracked branch, judges each step on the mesh telemetry of the canary edge, and commits a
 * rollback the first time a gate fails. Every commit carries trailers (trailers.ts), so the state is in Git.
 */
export class RolloutController {
  readonly #o: RolloutControllerOptions;
  readonly #now: () => number;
  readonly #runs = new Map<string, Run>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(o: RolloutControllerOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#o.tickMs ?? 250);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The applied revision's resources: new or changed Rollouts start (or resume from Git), removed ones stop. */
  update(resources: readonly SpecResource[]): void {
    const seen = new Set<string>();
    for (const x of resources) {
      if (x.kind !== 'Rollout') continue;
      const r = x as Rollout;
      const key = keyOf(r);
      seen.add(key);
      const hash = specHash(r.spec);
      const run = this.#runs.get(key);
      // a blocked rollout tries again on every new revision: the fix may be in the route, not the Rollout
      if (run && run.hash === hash && run.phase !== 'blocked') {
        run.r = r;
        continue;
      }
      const fresh: Run = {
        key,
        r,
        hash,
        phase: 'starting',
        step: -1,
        canaryWeight: 0,
        stepStartedMs: this.#now(),
        judged: false,
        busy: true,
        nextCheckMs: 0,
        gate: null,
        message: 'reading git history',
        commits: [],
      };
      this.#runs.set(key, fresh);
      void this.#resume(fresh);
    }
    for (const key of [...this.#runs.keys()]) if (!seen.has(key)) this.#runs.delete(key);
  }

  status(): RolloutStatus[] {
    return [...this.#runs.values()].map((run) => this.#status(run));
  }

  /** Resolves once no rollout has a commit or a history read in flight (tests). */
  async settled(): Promise<void> {
    while ([...this.#runs.values()].some((r) => r.busy)) await new Promise((r) => setTimeout(r, 20));
  }

  /** Picks up where the branch's history says this rollout (same spec) is, or commits its first step. */
  async #resume(run: Run): Promise<void> {
    let last: CommittedPhase | undefined;
    try {
      for (const c of await this.#o.history()) {
        const t = parseTrailers(c.message);
        if (!t || t.rollout !== run.key) continue;
        if (t.spec === run.hash) last = t.phase;
        break;
      }
    } catch (err) {
      this.#o.log?.warn(
        { rollout: run.key, err: (err as Error).message },
        'rollout: git history unreadable; starting over',
      );
    }
    if (this.#runs.get(run.key) !== run) return;
    run.busy = false;
    const steps = run.r.spec.steps;
    if (last?.kind === 'promoted')
      this.#settle(run, 'promoted', steps.length - 1, 100, 'promoted (from git history)');
    else if (last?.kind === 'rolled-back')
      this.#settle(
        run,
        'rolled-back',
        0,
        0,
        'rolled back (from git history); change the Rollout to try again',
      );
    else if (last?.kind === 'step' && last.step >= 1 && last.step <= steps.length) {
      this.#enterStep(run, last.step - 1);
      run.message = `resumed at step ${last.step} of ${steps.length} from git history`;
    } else await this.#commit(run, { kind: 'step', step: 1 });
  }

  tick(): void {
    const now = this.#now();
    for (const run of this.#runs.values()) {
      if (run.busy || now < run.nextCheckMs) continue;
      if (run.phase === 'starting' || run.phase === 'blocked') {
        // the first step's commit failed (a moved head, the route not yet applied): try it again
        if (run.error && run.phase === 'starting') void this.#commit(run, { kind: 'step', step: 1 });
        continue;
      }
      if (run.phase !== 'progressing') continue;
      run.nextCheckMs = now + seconds(run.r.spec.interval ?? `${DEFAULT_INTERVAL_SECONDS}s`) * 1000;
      this.#check(run, now);
    }
  }

  #check(run: Run, now: number): void {
    const spec = run.r.spec;
    const verdict = this.#judge(run, now);
    if (verdict.kind === 'fail') {
      void this.#commit(run, { kind: 'rolled-back' }, verdict.reason);
      return;
    }
    if (verdict.kind === 'pass' && spec.gates) run.judged = true;
    const step = spec.steps[run.step]!;
    const left = run.stepStartedMs + seconds(step.duration) * 1000 - now;
    const where = `step ${run.step + 1} of ${spec.steps.length}: canary ${spec.canary.virtualNode} at ${run.canaryWeight}%`;
    if (left > 0) {
      run.message = `${where}, ${Math.ceil(left / 1000)}s left${verdict.kind === 'insufficient' ? ` (gates wait for ${verdict.needed} canary requests, ${verdict.requests} so far)` : ''}`;
      return;
    }
    if (spec.gates && !run.judged) {
      const v = verdict as Extract<Verdict, { kind: 'insufficient' }>;
      run.message = `${where}, held: the gates have not seen ${v.needed} canary requests in a window yet (${v.requests})`;
      return;
    }
    const next: CommittedPhase =
      run.step + 1 < spec.steps.length ? { kind: 'step', step: run.step + 2 } : { kind: 'promoted' };
    void this.#commit(run, next);
  }

  #judge(run: Run, now: number): Verdict {
    const spec = run.r.spec;
    const [virtualRouter, route] = [spec.targetRef.virtualRouter ?? '', spec.targetRef.name];
    const since = Math.ceil((now - run.stepStartedMs) / 1000);
    const windowSeconds = Math.max(
      1,
      Math.min(
        since,
        MAX_GATE_WINDOW_SECONDS,
        spec.gates?.window ? seconds(spec.gates.window) : DEFAULT_GATE_WINDOW_SECONDS,
      ),
    );
    const ref = (targetVirtualNode: string) => ({
      mesh: run.r.mesh,
      virtualRouter,
      route,
      targetVirtualNode,
    });
    const canary = this.#o.telemetry(ref(spec.canary.virtualNode), windowSeconds);
    const stable = this.#o.telemetry(ref(spec.stable.virtualNode), windowSeconds);
    const verdict = judge(spec.gates, canary, stable, windowSeconds);
    run.gate = { windowSeconds, canary, stable, verdict: spec.gates ? verdict.kind : 'no-gates' };
    return verdict;
  }

  async #commit(run: Run, phase: CommittedPhase, reason?: string): Promise<void> {
    const spec = run.r.spec;
    const canaryWeight =
      phase.kind === 'step' ? spec.steps[phase.step - 1]!.weight : phase.kind === 'promoted' ? 100 : 0;
    const subject =
      phase.kind === 'step'
        ? `step ${phase.step} of ${spec.steps.length}, canary ${spec.canary.virtualNode} at ${canaryWeight}%`
        : phase.kind === 'promoted'
          ? `promoted, canary ${spec.canary.virtualNode} at 100%`
          : `rolled back at step ${run.step + 1}, all traffic to ${spec.stable.virtualNode}`;
    const message = `Rollout ${run.key}: ${subject}\n\n${reason ? `${reason}\n\n` : ''}${trailerLines({ rollout: run.key, spec: run.hash, phase })}`;
    const { mesh } = run.r;
    const virtualRouter = spec.targetRef.virtualRouter ?? '';
    run.busy = true;
    try {
      const plan = weightsPlan({
        mesh,
        virtualRouter,
        route: spec.targetRef.name,
        stable: spec.stable.virtualNode,
        canary: spec.canary.virtualNode,
        canaryWeight,
        message,
      });
      let commit = '';
      try {
        const out = await this.#o.write(plan, ROLLOUT_AUTHOR);
        commit = out.commit;
        if (out.apply === 'failed')
          throw new ApiError('InternalServerErrorException', `commit ${commit.slice(0, 12)} was not applied`);
      } catch (err) {
        if (!(err instanceof AlreadyThere)) throw err;
      }
      if (this.#runs.get(run.key) !== run) return;
      run.error = undefined;
      if (commit)
        run.commits.push({ commit, phase: phaseText(phase), at: new Date(this.#now()).toISOString() });
      this.#o.log?.info(
        { rollout: run.key, commit, phase: phaseText(phase), reason },
        `rollout ${run.key}: ${subject}`,
      );
      if (phase.kind === 'step') this.#enterStep(run, phase.step - 1);
      else if (phase.kind === 'promoted')
        this.#settle(
          run,
          'promoted',
          spec.steps.length - 1,
          100,
          `promoted: ${spec.canary.virtualNode} takes all traffic`,
        );
      else this.#settle(run, 'rolled-back', run.step, 0, `rolled back at step ${run.step + 1}: ${reason}`);
    } catch (err) {
      const msg = (err as Error).message;
      run.error = msg;
      run.nextCheckMs = this.#now() + RETRY_MS;
      // a write the repository refuses as written (a CRD, infrastructure code, an invalid result) waits for a change
      if (err instanceof ApiError && err.code === 'BadRequestException') run.phase = 'blocked';
      run.message = `could not commit ${phaseText(phase)}: ${msg}`;
      this.#o.log?.warn(
        { rollout: run.key, err: msg },
        `rollout ${run.key}: could not commit ${phaseText(phase)}`,
      );
    } finally {
      run.busy = false;
    }
  }

  #enterStep(run: Run, step: number): void {
    run.phase = 'progressing';
    run.step = step;
    run.canaryWeight = run.r.spec.steps[step]!.weight;
    run.stepStartedMs = this.#now();
    run.judged = false;
    run.nextCheckMs = 0;
    run.message = `step ${step + 1} of ${run.r.spec.steps.length}: canary at ${run.canaryWeight}%`;
  }

  #settle(run: Run, phase: RolloutPhase, step: number, canaryWeight: number, message: string): void {
    run.phase = phase;
    run.step = step;
    run.canaryWeight = canaryWeight;
    run.message = message;
  }

  #status(run: Run): RolloutStatus {
    const spec = run.r.spec;
    const progressing = run.phase === 'progressing';
    const hold = progressing ? seconds(spec.steps[run.step]!.duration) * 1000 : 0;
    return {
      mesh: run.r.mesh,
      name: run.r.name,
      route: `${spec.targetRef.virtualRouter ?? ''}/${spec.targetRef.name}`,
      stable: spec.stable.virtualNode,
      canary: spec.canary.virtualNode,
      phase: run.phase,
      step: run.step + 1,
      steps: spec.steps.length,
      canaryWeight: run.canaryWeight,
      stepStartedAt: progressing ? new Date(run.stepStartedMs).toISOString() : null,
      stepEndsAt: progressing ? new Date(run.stepStartedMs + hold).toISOString() : null,
      gate: run.gate,
      message: run.message,
      commits: run.commits,
      ...(run.error ? { error: run.error } : {}),
    };
  }
}
