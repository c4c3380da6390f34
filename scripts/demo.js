#!/usr/bin/env node
// `npm start`: the colorapp demo (scripts/demo/main.ts); Node 24 runs the TypeScript sources directly.
await import('./demo/main.ts');
