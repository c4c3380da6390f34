import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'not built yet',
  usage: 'plexus config-dump',
  async run() {
    console.error('plexus config-dump: not built yet');
    return 1;
  },
};
