import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus validate',
  async run() {
    console.error('plexus validate: not built yet');
    return 1;
  },
};
