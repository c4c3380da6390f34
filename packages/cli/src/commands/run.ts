import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus run',
  async run() {
    console.error('plexus run: not built yet');
    return 1;
  },
};
