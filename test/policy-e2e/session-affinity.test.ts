import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  close,
  get,
  type Ports,
  policy,
  ports,
  ROUTE,
  type RunningGateway,
  serve,
  startGateway,
} from './gateway.ts';

/**
 * Session stickiness on a 50/50 weighted route (red, blue) through a real Envoy: one cookie or header value keeps
 * one target over many requests, while different values still spread over both targets.
 */
const SPLIT = '{ virtualNode: red, weight: 1 }, { virtualNode: blue, weight: 1 }';
const N = 20;
let p: Ports;
let servers: Server[] = [];
let gw: RunningGateway | undefined;

beforeAll(async () => {
  p = await ports();
  servers = [
    await serve(p.red, (_req, res) => res.end('red')),
    await serve(p.blue, (_req, res) => res.end('blue')),
  ];
});
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});
afterAll(async () => {
  await Promise.all(servers.map(close));
});

async function targets(n: number, headers: Record<string, string>): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await get(p.gateway, `/s/${i}`, headers);
    expect(r.status).toBe(200);
    seen.add(r.text);
  }
  return seen;
}

it('cookie: the first response sets it; with it, every request reaches the same target', async () => {
  gw = await startGateway(
    p,
    policy(
      'TrafficPolicy',
      'sticky',
      ROUTE,
      '  sessionAffinity: { cookie: { name: plexus-session, ttl: 1h } }\n',
    ),
    { targets: SPLIT },
  );
  const first = await get(p.gateway, '/s');
  const setCookie = String(first.headers['set-cookie']);
  expect(setCookie).toMatch(/^plexus-session=[0-9a-f]{16}; Path=\/; Max-Age=3600$/);
  const cookie = setCookie.split(';')[0]!;
  const seen = await targets(N, { cookie: `other=1; ${cookie}` });
  expect(seen).toEqual(new Set([first.text]));
  // Requests that carry the cookie get no new one.
  expect((await get(p.gateway, '/s', { cookie })).headers['set-cookie']).toBeUndefined();

  // Different sessions are not all pinned to one target.
  const spread = new Set<string>();
  for (let i = 0; i < 40 && spread.size < 2; i++)
    spread.add((await get(p.gateway, '/s', { cookie: `plexus-session=s${i}` })).text);
  expect(spread).toEqual(new Set(['red', 'blue']));
});

it('header: the same header value keeps one target', async () => {
  gw = await startGateway(
    p,
    policy('TrafficPolicy', 'sticky', ROUTE, '  sessionAffinity: { header: { name: x-session } }\n'),
    {
      targets: SPLIT,
    },
  );
  for (const user of ['alice', 'bob', 'carol']) {
    expect((await targets(N, { 'x-session': user })).size).toBe(1);
  }
  const spread = new Set<string>();
  for (let i = 0; i < 40 && spread.size < 2; i++)
    spread.add((await get(p.gateway, '/h', { 'x-session': `u${i}` })).text);
  expect(spread).toEqual(new Set(['red', 'blue']));
});
