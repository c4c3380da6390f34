#!/usr/bin/env node
// `npm start`: the colorapp demo (scripts/demo/main.ts), run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./demo/main.ts');
