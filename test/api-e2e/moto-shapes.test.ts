/**
 * The same App Mesh calls against moto's App Mesh and against Plexus, through the same SDK client code:
 * the response shapes (every field name and its type, recursively) must match.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { type Daemon, startDaemon } from '@plexus/daemon';
import { commitAll, initRepo, type MotoServer, repoRoot, startMoto, waitFor } from '@plexus/testkit';
import { SignatureV4 } from '@smithy/signature-v4';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Creds, shapeDifferences, shapeOf } from './helpers.ts';

const KEY = { accessKeyId: 'AKIAPLEXUSSHAPES0001', secretAccessKey: 'shapes-secret-0123456789' };
let dir: string;
let daemon: Daemon;
let moto: MotoServer;
let plexus: string;

const nodeSpec = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
  serviceDiscovery: { dns: { hostname: 'shapes.local' } },
};
const routeSpec = (w: number) => ({
  httpRoute: {
    match: { prefix: '/' },
    action: { weightedTargets: [{ virtualNode: 'shapes-node', weight: w }] },
  },
});

interface Raw {
  status: number;
  errorType?: string;
  body: unknown;
}

/** A SigV4-signed App Mesh REST call, raw: moto's timestamps are strings the SDK cannot parse. */
async function call(
  endpoint: string,
  creds: Creds,
  method: string,
  path: string,
  body?: unknown,
): Promise<Raw> {
  const url = new URL(path, endpoint);
  const signer = new SignatureV4({
    service: 'appmesh',
    region: 'us-east-1',
    credentials: creds,
    sha256: Sha256,
  });
  const text = body === undefined ? undefined : JSON.stringify(body);
  const req = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...(text ? { 'content-type': 'application/json' } : {}) },
    body: text,
  });
  const res = await fetch(url, { method, headers: req.headers as Record<string, string>, body: text });
  const raw = await res.text();
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype')?.split(':')[0] ?? undefined,
    body: raw ? JSON.parse(raw) : undefined,
  };
}

const M = '/v20190125/meshes/shapes';

/** The calls a canary pipeline makes, in order, on one endpoint; returns every response. */
async function pipeline(endpoint: string, creds: Creds, meshExists: boolean): Promise<Record<string, Raw>> {
  const c = (method: string, path: string, body?: unknown) => call(endpoint, creds, method, path, body);
  if (!meshExists) await c('PUT', '/v20190125/meshes', { meshName: 'shapes' });
  return {
    createVirtualNode: await c('PUT', `${M}/virtualNodes`, {
      virtualNodeName: 'shapes-node',
      spec: nodeSpec,
    }),
    createVirtualRouter: await c('PUT', `${M}/virtualRouters`, {
      virtualRouterName: 'shapes-router',
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    }),
    createRoute: await c('PUT', `${M}/virtualRouter/shapes-router/routes`, {
      routeName: 'shapes-route',
      spec: routeSpec(1),
    }),
    updateRoute: await c('PUT', `${M}/virtualRouter/shapes-router/routes/shapes-route`, {
      spec: routeSpec(2),
    }),
    describeRoute: await c('GET', `${M}/virtualRouter/shapes-router/routes/shapes-route`),
    describeMesh: await c('GET', M),
    describeVirtualNode: await c('GET', `${M}/virtualNodes/shapes-node`),
    listRoutes: await c('GET', `${M}/virtualRouter/shapes-router/routes`),
    listVirtualNodes: await c('GET', `${M}/virtualNodes`),
    listVirtualRouters: await c('GET', `${M}/virtualRouters`),
    listMeshes: await c('GET', '/v20190125/meshes'),
    deleteRoute: await c('DELETE', `${M}/virtualRouter/shapes-router/routes/shapes-route`),
  };
}

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'plexus-api-shapes-'));
  initRepo(dir);
  cpSync(join(repoRoot, 'examples/colorapp/mesh/mesh.yaml'), join(dir, 'colorapp.yaml'));
  await import('node:fs').then((fs) =>
    fs.writeFileSync(
      join(dir, 'shapes.yaml'),
      'apiVersion: plexus/v1\nkind: Mesh\nmetadata:\n  name: shapes\n',
    ),
  );
  commitAll(dir, 'meshes');
  daemon = await startDaemon({
    repo: dir,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    console: { enabled: false },
    telemetry: { enabled: false },
    logger: pino({ level: 'warn' }),
    api: { region: moto.region, keys: [{ ...KEY, author: 'Shapes <shapes@example.com>' }] },
  });
  await waitFor(() => daemon.status.applied !== null, { what: 'first revision' });
  plexus = `http://127.0.0.1:${daemon.httpPort}`;
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('response shapes: Plexus against moto', () => {
  it('match field by field for a canary pipeline', async () => {
    const fromMoto = await pipeline(moto.endpoint, moto.credentials, false);
    const fromPlexus = await pipeline(plexus, KEY, true);
    for (const name of Object.keys(fromMoto)) {
      expect(fromMoto[name].status, `${name} on moto`).toBe(200);
      expect(shapeDifferences(shapeOf(fromPlexus[name]), shapeOf(fromMoto[name])), name).toEqual([]);
    }
  });
});
