import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus bootstrap',
  async run() {
    console.error('plexus bootstrap: not built yet');
    return 1;
  },
};
