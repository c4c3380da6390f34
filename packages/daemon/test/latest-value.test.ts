import { describe, expect, it } from 'vitest';
import { LatestValueSubject, latestWins } from '../src/index.ts';

describe('LatestValueSubject', () => {
  it('gives a late subscriber the latest value, then every later one', () => {
    const ch = new LatestValueSubject<number>('n');
    ch.publish(1);
    ch.publish(2);
    const seen: number[] = [];
    const off = ch.subscribe((v) => seen.push(v));
    ch.publish(3);
    off();
    ch.publish(4);
    expect(seen).toEqual([2, 3]);
    expect(ch.latest()).toBe(4);
  });
});

describe('latestWins', () => {
  it('runs one value at a time and skips values superseded while busy', async () => {
    const done: number[] = [];
    const job = latestWins<number>(
      async (v) => {
        await new Promise((r) => setTimeout(r, 5));
        done.push(v);
      },
      () => {},
    );
    job.push(1);
    job.push(2);
    job.push(3);
    await job.idle();
    expect(done).toEqual([1, 3]);
  });

  it('reports a failing value and keeps going', async () => {
    const errors: unknown[] = [];
    const done: number[] = [];
    const job = latestWins<number>(
      async (v) => {
        if (v === 1) throw new Error('boom');
        done.push(v);
      },
      (e) => errors.push(e),
    );
    job.push(1);
    await job.idle();
    job.push(2);
    await job.idle();
    expect(done).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
