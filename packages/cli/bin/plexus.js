#!/usr/bin/env node
// Node 24 runs the TypeScript sources as they are (type stripping), so `npx plexus` works straight after `npm ci`.
import { missingDaemonFlags } from '@plexus/daemon/node-flags';

const args = process.argv.slice(2);
if (args[0] === 'run' && typeof process.execve === 'function') {
  // The daemon's V8 flags must be set before the heap exists: replace this process with one that has them
  // (same pid, so service managers and `kill` see no difference).
  const missing = missingDaemonFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length > 0) {
    process.execve(process.execPath, [
      process.execPath,
      ...missing,
      ...process.execArgv,
      ...process.argv.slice(1),
    ]);
  }
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(args);
