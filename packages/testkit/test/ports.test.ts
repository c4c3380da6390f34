import { describe, expect, it } from 'vitest';
import { freePort } from '../src/ports.ts';

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, so no listen(0) elsewhere can take one first', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(50);
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...ports)).toBeLessThan(32_768);
  });
});
