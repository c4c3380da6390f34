/** Splits `items` into consecutive chunks of at most `size` (e.g. 100 IDs per DescribeTasks call). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (size < 1) throw new Error(`chunk size must be >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Maps `items` with at most `limit` calls of `fn` in flight; results keep input order; first error rejects. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

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
