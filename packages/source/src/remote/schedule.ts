/** Longest wait between checks while a remote keeps failing. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Delay before the next check: the poll interval ±10 % jitter (so many daemons do not hit the server in
 * step), doubled for each consecutive failure up to MAX_BACKOFF_MS (or the interval itself, if longer).
 */
export function nextDelay(intervalMs: number, failures: number, random: () => number = Math.random): number {
  const base =
    failures > 0 ? Math.min(intervalMs * 2 ** failures, Math.max(MAX_BACKOFF_MS, intervalMs)) : intervalMs;
  const jitter = 1 + (random() * 2 - 1) * 0.1;
  return Math.max(1, Math.round(base * jitter));
}
