import type { Server } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  close,
  GATEWAY,
  get,
  type Ports,
  PUBLIC,
  policy,
  ports,
  ROUTE,
  type RunningGateway,
  serve,
  startGateway,
} from './gateway.ts';

/**
 * Real traffic through a real Envoy running the gateway config Plexus translated with each policy: JWT,
 * ext_authz, a local rate limit, fault injection and mirroring. Each policy gets its own short-lived Envoy.
 */
const SECRET = 'plexus-policy-e2e-secret-0123456789abcdef';
const JWKS = JSON.stringify({
  keys: [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: Buffer.from(SECRET).toString('base64url') }],
});

describe('policies through real Envoy', () => {
  let p: Ports;
  let red: Server | undefined;
  let shadow: Server | undefined;
  let authz: Server | undefined;
  let gw: RunningGateway | undefined;
  const mirrored: string[] = [];
  const seenByRed: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    p = await ports();
    red = await serve(p.red, (req, res) => {
      seenByRed.push({ url: req.url, user: req.headers['x-user'] });
      res.end(`red ${req.url}`);
    });
    shadow = await serve(p.shadow, (req, res) => {
      mirrored.push(String(req.url));
      res.end('shadow');
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([close(red), close(shadow), close(authz)]);
  });

  async function restart(policies: string): Promise<void> {
    await gw?.stop();
    gw = undefined;
    gw = await startGateway(p, policies);
  }

  it('JWT: no token 401, a valid one 200 (claim to header), a bad one 401, a disabled route open', async () => {
    await restart(
      policy(
        'AuthPolicy',
        'jwt',
        GATEWAY,
        `  jwt:
    providers:
      - name: test
        issuer: plexus-test
        audiences: [colorapp]
        localJwks: { inline: '${JWKS}' }
        claimToHeaders: [{ claim: sub, header: x-user }]
`,
      ) + policy('AuthPolicy', 'open', PUBLIC, '  jwt: { disabled: true }\n'),
    );
    const sign = (aud: string) =>
      new SignJWT({ sub: 'alice' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setIssuer('plexus-test')
        .setAudience(aud)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET));
    expect((await get(p.gateway, '/private/a')).status).toBe(401);
    const ok = await get(p.gateway, '/private/a', { authorization: `Bearer ${await sign('colorapp')}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('red /private/a');
    expect(seenByRed.at(-1)?.user).toBe('alice');
    const wrongAud = await get(p.gateway, '/private/a', { authorization: `Bearer ${await sign('other')}` });
    expect(wrongAud.status).toBe(403);
    expect((await get(p.gateway, '/open')).status).toBe(200);
  });

  it('ext_authz (HTTP): the authorization service denies by path; fail closed when it is down', async () => {
    const { freePort } = await import('@plexus/testkit');
    const port = await freePort();
    authz = await serve(port, (req, res) => {
      res.statusCode = String(req.url).includes('/admin') ? 403 : 200;
      res.end();
    });
    await restart(
      policy(
        'AuthPolicy',
        'authz',
        GATEWAY,
        `  extAuthz:\n    http: { service: { address: "127.0.0.1:${port}" } }\n`,
      ),
    );
    expect((await get(p.gateway, '/private/admin/x')).status).toBe(403);
    expect((await get(p.gateway, '/private/ok')).status).toBe(200);
    await close(authz);
    authz = undefined;
    expect((await get(p.gateway, '/private/ok')).status).toBe(403);
  });

  it('local rate limit: 10 requests a minute pass, the rest are 429', async () => {
    await restart(
      policy('TrafficPolicy', 'limit', GATEWAY, '  localRateLimit: { requests: 10, unit: minute }\n'),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(p.gateway, `/r/${i}`)).status);
    const passed = statuses.filter((s) => s === 200).length;
    // One bucket of 10 tokens refilled per minute: 10 of 20 (±10 %), the rest refused with 429.
    expect(passed).toBeGreaterThanOrEqual(9);
    expect(passed).toBeLessThanOrEqual(11);
    expect(statuses.filter((s) => s === 429).length).toBe(20 - passed);
  });

  it('faults: a route-level abort returns the configured status; mirroring copies requests to the mirror', async () => {
    await restart(
      policy(
        'TrafficPolicy',
        'abort',
        PUBLIC,
        '  faults: { abort: { httpStatus: 418, percentage: 100 } }\n',
      ) + policy('TrafficPolicy', 'mirror', ROUTE, '  mirror: { virtualNode: shadow, percentage: 100 }\n'),
    );
    expect((await get(p.gateway, '/anything')).status).toBe(418);
    mirrored.length = 0;
    for (let i = 0; i < 5; i++) expect((await get(p.gateway, `/private/m${i}`)).status).toBe(200);
    // Mirrors are fire-and-forget: wait for them to land.
    const deadline = Date.now() + 5000;
    while (mirrored.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(mirrored.sort()).toEqual([
      '/private/m0',
      '/private/m1',
      '/private/m2',
      '/private/m3',
      '/private/m4',
    ]);
  });
});
