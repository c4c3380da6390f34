import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { worldReachable } from '../src/world-reachable.ts';

const dir = mkdtempSync(join(tmpdir(), 'plexus-reach-'));
afterAll(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe('worldReachable', () => {
  it('keeps a path whose folders let everyone through', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(dir, 0o755);
    writeFileSync(join(open, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    expect(worldReachable(join(open, 'tool'))).toBe(join(open, 'tool'));
  });

  it('copies a file or folder behind a 0700 folder to where any user can reach it, once', () => {
    const closed = join(dir, 'closed');
    mkdirSync(join(closed, 'fixtures'), { recursive: true });
    writeFileSync(join(closed, 'fixtures', 'app.mjs'), 'export {};\n');
    chmodSync(dir, 0o700);
    const copy = worldReachable(join(closed, 'fixtures'));
    expect(copy.startsWith(join(tmpdir(), 'plexus-world-reachable'))).toBe(true);
    expect(readFileSync(join(copy, 'app.mjs'), 'utf8')).toBe('export {};\n');
    expect(statSync(join(copy, '..')).mode & 0o005).toBe(0o005);
    expect(worldReachable(join(closed, 'fixtures'))).toBe(copy);
  });
});
