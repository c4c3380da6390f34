import type { Server } from 'node:http';
import { type StartedRateLimitService, startRateLimitService } from '@plexus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  close,
  GATEWAY,
  get,
  type Ports,
  policy,
  ports,
  type RunningGateway,
  serve,
  startGateway,
} from './gateway.ts';

/**
 * A global rate limit through a real Envoy against a real gRPC rate limit service (Envoy's
 * envoy.service.ratelimit.v3 protocol, protos loaded from @grpc/grpc-js-xds): the service allows 3 requests per
 * descriptor; Envoy answers 429 past that, and the service sees the descriptors the policy describes.
 */
const LIMIT = 3;
let p: Ports;
let red: Server | undefined;
let rls: StartedRateLimitService | undefined;
let gw: RunningGateway | undefined;

beforeAll(async () => {
  p = await ports();
  red = await serve(p.red, (_req, res) => res.end('red'));
  rls = await startRateLimitService({ limit: LIMIT });
  gw = await startGateway(
    p,
    policy(
      'TrafficPolicy',
      'global',
      GATEWAY,
      `  globalRateLimit:
    service: { address: "127.0.0.1:${rls.port}" }
    domain: plexus-e2e
    timeout: 5s
    descriptors:
      - { generic: ingress }
      - { header: x-user, key: user }
`,
    ),
  );
});

afterAll(async () => {
  await gw?.stop();
  await rls?.stop();
  await close(red);
});

it('over-limit requests get 429, another descriptor passes, and the service saw the descriptors', async () => {
  const alice: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++)
    alice.push((await get(p.gateway, `/a/${i}`, { 'x-user': 'alice' })).status);
  expect(alice).toEqual([...Array(LIMIT).fill(200), ...Array(LIMIT).fill(429)]);
  expect((await get(p.gateway, '/b', { 'x-user': 'bob' })).status).toBe(200);

  const calls = rls!.calls;
  expect(calls).toHaveLength(2 * LIMIT + 1);
  expect(new Set(calls.map((c) => c.domain))).toEqual(new Set(['plexus-e2e']));
  expect(calls[0]!.descriptors).toEqual([
    [
      { key: 'generic_key', value: 'ingress' },
      { key: 'user', value: 'alice' },
    ],
  ]);
  expect(calls.at(-1)!.descriptors).toEqual([
    [
      { key: 'generic_key', value: 'ingress' },
      { key: 'user', value: 'bob' },
    ],
  ]);
});

it('fails open by default: with the service gone, requests pass', async () => {
  await rls!.stop();
  rls = undefined;
  expect((await get(p.gateway, '/c', { 'x-user': 'alice' })).status).toBe(200);
});
