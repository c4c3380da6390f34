import { describe, expect, it } from 'vitest';
import { settles, staysQuiet } from '../src/index.ts';

describe('quiet windows', () => {
  it('staysQuiet resolves after the window and rejects as soon as the thing happens', async () => {
    await expect(staysQuiet(() => false, { quietMs: 50 })).resolves.toBeUndefined();
    const start = Date.now();
    let n = 0;
    await expect(staysQuiet(() => ++n > 3, { quietMs: 10_000, what: 'no tick' })).rejects.toThrow(
      'expected no tick for 10000 ms, but it happened',
    );
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it('settles waits until the value stops changing', async () => {
    let v = 0;
    const timer = setInterval(() => v < 5 && v++, 10);
    try {
      expect(await settles(() => v, { quietMs: 100 })).toBe(5);
    } finally {
      clearInterval(timer);
    }
    await expect(
      settles(() => Math.random(), { quietMs: 100, timeoutMs: 200, what: 'noise' }),
    ).rejects.toThrow('waiting for noise');
  });
});
