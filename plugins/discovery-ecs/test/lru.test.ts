import { describe, expect, it } from 'vitest';
import { LruMap } from '../src/lru.ts';

describe('LruMap (the ECS lookup caches)', () => {
  it('keeps at most `limit` entries and evicts the least recently used', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect([m.has('a'), m.has('b'), m.has('c'), m.size]).toEqual([true, false, true, 2]);
    m.set('a', 10); // rewrite refreshes too
    m.set('d', 4);
    expect([m.get('a'), m.has('c'), m.get('d'), m.size]).toEqual([10, false, 4, 2]);
  });

  it('refuses a limit below 1', () => {
    expect(() => new LruMap(0)).toThrow('LRU limit must be an integer >= 1, got 0');
  });
});
