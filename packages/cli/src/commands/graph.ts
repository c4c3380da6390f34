import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus graph',
  async run() {
    console.error('plexus graph: not built yet');
    return 1;
  },
};
