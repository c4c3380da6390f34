import { expect, test } from 'vitest';
import { main } from '../src/main.ts';

test('plexus --help lists every command and exits 0', async () => {
  expect(await main(['--help'])).toBe(0);
});

test('plexus with an unknown command exits 2', async () => {
  expect(await main(['nope'])).toBe(2);
});
