import { defineConfig } from 'vitest/config';
import { corpusMissing } from './packages/testkit/src/paths.ts';
import { CORPUS_TESTS } from './vitest.config.ts';

/** `npm run test:corpus`: the suites that read the App Mesh corpus at $PLEXUS_CORPUS_DIR. */
const missing = corpusMissing();
if (missing) {
  console.error(`test:corpus: ${missing}`);
  process.exit(1);
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['packages/testkit/src/setup/test-peers.ts'],
    include: [CORPUS_TESTS],
    exclude: ['**/node_modules/**'],
  },
});
