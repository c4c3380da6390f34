import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { sha256Hex } from '@plexus/security';
import { AdsClient } from '@plexus/testkit';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '../src/index.ts';
import { fakeOverrides } from './fakes.ts';

const ADMIN = 'admin-token-for-tests';
let daemon: Daemon | undefined;
const clients: AdsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = undefined;
});

async function start(httpListen: string) {
  daemon = await startDaemon({
    repo: '/nowhere',
    httpListen,
    xdsListen: '127.0.0.1:0',
    stateDir: mkdtempSync(join(tmpdir(), 'plexus-admin-')),
    identityRequired: true,
    adminTokens: [{ name: 'ops', sha256: sha256Hex(ADMIN) }],
    logger: pino({ level: 'silent' }),
    overrides: fakeOverrides(),
  });
  const d = daemon;
  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${d.httpPort}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  return { d, get };
}

describe('admin credentials', () => {
  it('HTTP beyond loopback: probes open, status and metrics need an admin token', async () => {
    const { get } = await start('0.0.0.0:0');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    const refused = await get('/api/v1/status');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refused.text()).toMatch(/GET \/api\/v1\/status: an admin token is required/);
    expect((await get('/metrics', 'wrong')).status).toBe(401);
    expect((await get('/metrics', ADMIN)).status).toBe(200);
    expect((await get('/api/v1/status', ADMIN)).status).toBe(200);
    const metrics = await (await get('/metrics', ADMIN)).text();
    expect(metrics).toContain('plexus_xds_refused_streams_total');
  });

  it('HTTP on loopback stays open as before', async () => {
    const { get } = await start('127.0.0.1:0');
    expect((await get('/api/v1/status')).status).toBe(200);
  });

  it('CSDS needs an admin token where proxies must prove who they are', async () => {
    const { d } = await start('127.0.0.1:0');
    const anon = new AdsClient(`127.0.0.1:${d.xdsPort}`);
    clients.push(anon);
    const err = await anon.fetchClientStatus().then(
      () => undefined,
      (e: { code: number; details: string }) => e,
    );
    expect(err?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(err?.details).toMatch(/CSDS: an admin token is required/);
    const admin = new AdsClient(
      `127.0.0.1:${d.xdsPort}`,
      {},
      { metadata: { authorization: `Bearer ${ADMIN}` } },
    );
    clients.push(admin);
    expect(await admin.fetchClientStatus()).toMatchObject({});
  });

  it('a stream without a credential is refused when identity is required, and counted', async () => {
    const { d } = await start('127.0.0.1:0');
    const c = new AdsClient(`127.0.0.1:${d.xdsPort}`);
    clients.push(c);
    const s = c.sotw({ id: 'mesh/m/virtualNode/a' });
    s.request({ typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' });
    const end = await s.ended();
    expect(end.code).toBe(GrpcStatus.UNAUTHENTICATED);
  });
});
