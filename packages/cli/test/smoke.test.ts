import { expect, test } from 'vitest';
import { main } from '../src/main.ts';

test('cli main runs', async () => {
  expect(await main(['--help'])).toBe(0);
});
