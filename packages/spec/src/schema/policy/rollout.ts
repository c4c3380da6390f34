/**
 * Rollout: a canary from Git. Names a route, its stable and canary virtual nodes, the canary's weight steps and
 * the health gates (mesh telemetry of the canary edge, alone and against the stable edge). The daemon's rollout
 * controller commits each step to the repository and commits a rollback when a gate fails.
 */
import { decimal, type Infer, integer, list, object, optional, string } from '../dsl.ts';
import { PolicyTargetRefSchema, policyDuration } from './common.ts';

export const RolloutTargetSchema = object({
  virtualNode: string({ min: 1, max: 255 }),
});

export const RolloutStepSchema = object({
  /** The canary's share of the route's traffic during this step, in percent (stable gets the rest). */
  weight: integer({ min: 1, max: 99 }),
  /** How long the step holds, gates passing, before the next one (`30s`, `5m`). */
  duration: policyDuration(),
});
export type RolloutStep = Infer<typeof RolloutStepSchema>;

export const RolloutGatesSchema = object({
  /** The canary edge's error rate (5xx and no response) above this fails the step (0..1). */
  maxErrorRate: optional(decimal({ min: 0, max: 1 })),
  /** The canary's error rate above the stable edge's by more than this fails the step (0..1). */
  maxErrorRateAboveStable: optional(decimal({ min: 0, max: 1 })),
  /** The canary edge's p99 latency above this fails the step (`250ms`). */
  maxP99: optional(policyDuration()),
  /** The canary's p99 above this multiple of the stable edge's fails the step (>= 1). */
  maxP99VsStable: optional(decimal({ min: 1, max: 1000 })),
  /** Requests the canary must have had in the window before a gate may judge it. Default 10. */
  minRequests: optional(integer({ min: 1, max: 1_000_000 })),
  /** The telemetry window gates read (at most 60s, at most since the step began). Default 10s. */
  window: optional(policyDuration()),
});
export type RolloutGates = Infer<typeof RolloutGatesSchema>;

export const RolloutSpecSchema = object({
  /** The Route whose weighted targets move (give its virtualRouter). */
  targetRef: PolicyTargetRefSchema,
  stable: RolloutTargetSchema,
  canary: RolloutTargetSchema,
  /** Ascending canary weights; after the last step holds, the canary gets 100 and the rollout is done. */
  steps: list(RolloutStepSchema, { min: 1, max: 20 }),
  gates: optional(RolloutGatesSchema),
  /** How often gates are checked. Default 1s. */
  interval: optional(policyDuration()),
});
export type RolloutSpec = Infer<typeof RolloutSpecSchema>;
