import { describe, expect, it } from 'vitest';
import {
  awsClientOptions,
  backoffDelay,
  chunk,
  DEFAULT_AWS_MAX_ATTEMPTS,
  mapConcurrent,
} from '../src/index.ts';

describe('AWS call helpers: batching, backoff, retry policy', () => {
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

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0.999 })).toBe(799);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(500);
  });

  it('AWS clients get one retry policy: settings.aws.maxAttempts, else 3', () => {
    expect(DEFAULT_AWS_MAX_ATTEMPTS).toBe(3);
    expect(awsClientOptions({ aws: { region: 'eu-west-1' } })).toEqual({
      region: 'eu-west-1',
      maxAttempts: 3,
    });
    expect(awsClientOptions({ aws: { region: 'eu-west-1', maxAttempts: 1 } }).maxAttempts).toBe(1);
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
