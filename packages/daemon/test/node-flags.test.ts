import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS, missingDaemonFlags } from '../src/node-flags.ts';

describe('daemon node flags', () => {
  it('adds every flag when none is set', () => {
    expect(missingDaemonFlags([], '')).toEqual([...DAEMON_NODE_FLAGS]);
  });

  it('keeps the user’s own value, from the command line or NODE_OPTIONS, in either spelling', () => {
    expect(missingDaemonFlags(['--max-semi-space-size=32'], '')).toEqual(['--heap-growing-percent=30']);
    expect(missingDaemonFlags([], '--inspect --max_semi_space_size=16 --heap-growing-percent=50')).toEqual(
      [],
    );
  });
});
