export { ROLLOUT_AUTHOR, RolloutController, type RolloutControllerOptions, specHash } from './controller.ts';
export { judge, type Verdict } from './gates.ts';
export type { RolloutPhase, RolloutStatus } from './status.ts';
export { type CommittedPhase, parseTrailers, type RolloutTrailers, trailerLines } from './trailers.ts';
export { hasWeights, weightsPlan, withWeights } from './weights-plan.ts';
