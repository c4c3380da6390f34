import { defineConfig } from 'vitest/config';

/** Suites that read the App Mesh corpus outside the repository; they run with `npm run test:corpus`. */
export const CORPUS_TESTS = '**/*.corpus.test.ts';

// Unit and package tests run two files at a time; the end-to-end suites under test/ (real Envoys, daemons,
// network namespaces) run one file at a time beside them, so they do not starve each other on 2 cores.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['packages/testkit/src/setup/test-peers.ts'],
    exclude: ['**/node_modules/**', CORPUS_TESTS],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'plugins/*/test/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'tools/*/test/**/*.test.ts',
            'scripts/test/**/*.test.ts',
            'bench/test/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
