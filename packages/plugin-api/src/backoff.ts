export interface BackoffOptions {
  /** First delay (ms). Default 200. */
  baseMs?: number;
  /** Cap on one delay (ms). Default 20 000. */
  maxMs?: number;
  /** Source of randomness in [0, 1); tests may fix it. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": with c = min(max, base·2^attempt), a random delay in [c/2, c).
 * `attempt` counts from 0. Never 0, so a failing source cannot spin.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const { baseMs = 200, maxMs = 20_000, random = Math.random } = opts;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
