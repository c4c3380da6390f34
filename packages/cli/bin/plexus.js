#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx plexus` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
