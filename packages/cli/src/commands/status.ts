import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus status',
  async run() {
    console.error('plexus status: not built yet');
    return 1;
  },
};
