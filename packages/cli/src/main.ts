import { KINDS } from '@plexus/spec';

export async function main(argv: string[]): Promise<number> {
  console.log('plexus', argv.join(' '), KINDS.length);
  return 0;
}
