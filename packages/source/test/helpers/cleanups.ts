import { afterEach } from 'vitest';
import type { Source } from '../../src/index.ts';
import { removeDir } from './git-cli.ts';

export type Cleanup = () => Promise<void> | void;

/**
 * Registers (call it inside a describe) an afterEach that runs what each test deferred, the last first.
 * `track` defers stopping a source and then removing its directories.
 */
export function cleanupsAfterEach(): {
  defer(cleanup: Cleanup): void;
  track<S extends Source>(source: S, ...dirs: string[]): S;
} {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const defer = (cleanup: Cleanup) => {
    cleanups.push(cleanup);
  };
  return {
    defer,
    track(source, ...dirs) {
      defer(async () => {
        await source.stop();
        for (const d of dirs) removeDir(d);
      });
      return source;
    },
  };
}
