import { describe, expect, it } from 'vitest';
import { backoffDelay, chunk, isThrottlingError, mapConcurrent, retryWithBackoff } from '../src/index.ts';

describe('throttling helpers', () => {
  it('chunks into slices of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(
      chunk(
        Array.from({ length: 250 }, (_, i) => i),
        100,
      ).map((c) => c.length),
    ).toEqual([100, 100, 50]);
    expect(() => chunk([1], 0)).toThrow();
  });

  it('recognizes AWS throttling errors', () => {
    for (const name of [
      'ThrottlingException',
      'RequestLimitExceeded',
      'TooManyRequestsException',
      'Throttling',
    ]) {
      expect(isThrottlingError(Object.assign(new Error('x'), { name }))).toBe(true);
    }
    expect(isThrottlingError({ name: 'X', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottlingError(Object.assign(new Error('x'), { name: 'AccessDeniedException' }))).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.999 })).toBe(799);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(500);
  });

  it('retries throttling errors, not others', async () => {
    let n = 0;
    const v = await retryWithBackoff(
      async () => {
        if (++n < 3) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
        return 'ok';
      },
      { baseMs: 1 },
    );
    expect([v, n]).toEqual(['ok', 3]);
    let m = 0;
    await expect(
      retryWithBackoff(
        async () => {
          m++;
          throw new Error('denied');
        },
        { baseMs: 1 },
      ),
    ).rejects.toThrow('denied');
    expect(m).toBe(1);
    let k = 0;
    await expect(
      retryWithBackoff(
        async () => {
          k++;
          throw Object.assign(new Error('slow'), { name: 'Throttling' });
        },
        { baseMs: 1, attempts: 4 },
      ),
    ).rejects.toThrow('slow');
    expect(k).toBe(4);
  });

  it('caps concurrency and keeps order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 4, 3, 2, 1, 0], 2, async (x) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, x));
      inFlight--;
      return x * 10;
    });
    expect(out).toEqual([50, 40, 30, 20, 10, 0]);
    expect(peak).toBe(2);
  });
});
