/**
 * `plexus import --from appmesh` against moto's App Mesh API with the real AWS SDK: resources created through
 * the SDK come back as spec files that validate and hold the same specs. (moto implements meshes, virtual
 * nodes, routers, routes, gateways and gateway routes, not virtual services: the import reports the failed
 * call and goes on, as it would with an account that denies one API.) moto writes timestamps as
 * "02/12/2026, 10:20:06", which the SDK (rightly) cannot parse as the API's epoch seconds: a fault proxy in
 * front of moto rewrites only those two fields; every other byte is moto's answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppMeshClient,
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
} from '@aws-sdk/client-app-mesh';
import { loadAndValidate, resourceId } from '@plexus/spec';
import { type MotoWithProxy, startMotoWithProxy } from '@plexus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMain } from './capture.ts';

let aws: MotoWithProxy;
let endpoint: string;
let region: string;
let out: string;

const node = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' as const } }],
  backends: [{ virtualService: { virtualServiceName: 'colorteller.colorapp.local' } }],
  serviceDiscovery: { dns: { hostname: 'front.colorapp.local' } },
};
const route = {
  httpRoute: {
    match: { prefix: '/' },
    action: { weightedTargets: [{ virtualNode: 'front', weight: 3 }] },
  },
};

/** moto's `"createdAt": "02/12/2026, 10:20:06"` → epoch seconds, as App Mesh answers. */
function epochTimestamps(body: string): string {
  return body.replace(
    /"(createdAt|lastUpdatedAt)": "(\d\d)\/(\d\d)\/(\d{4}), (\d\d:\d\d:\d\d)"/g,
    (_m, k, d, mo, y, t) => `"${k}": ${Date.parse(`${y}-${mo}-${d}T${t}Z`) / 1000}`,
  );
}

beforeAll(async () => {
  aws = await startMotoWithProxy();
  aws.proxy.setFault(() => ({ rewrite: epochTimestamps }));
  endpoint = aws.proxy.endpoint;
  region = aws.moto.region;
  out = mkdtempSync(join(tmpdir(), 'plexus-import-live-'));
  const c = new AppMeshClient({ region, endpoint, credentials: aws.moto.credentials });
  await c.send(
    new CreateMeshCommand({ meshName: 'colorapp', spec: { egressFilter: { type: 'ALLOW_ALL' } } }),
  );
  await c.send(new CreateVirtualNodeCommand({ meshName: 'colorapp', virtualNodeName: 'front', spec: node }));
  await c.send(
    new CreateVirtualRouterCommand({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    }),
  );
  await c.send(
    new CreateRouteCommand({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'colors',
      spec: route,
    }),
  );
  await c.send(
    new CreateVirtualGatewayCommand({
      meshName: 'colorapp',
      virtualGatewayName: 'ingress',
      spec: { listeners: [{ portMapping: { port: 9080, protocol: 'http' } }] },
    }),
  );
  await c.send(
    new CreateGatewayRouteCommand({
      meshName: 'colorapp',
      virtualGatewayName: 'ingress',
      gatewayRouteName: 'to-front',
      spec: {
        httpRoute: {
          match: { prefix: '/' },
          action: { target: { virtualService: { virtualServiceName: 'front.colorapp.local' } } },
        },
      },
    }),
  );
  c.destroy();
});

afterAll(async () => {
  await aws?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

it('reads every resource of the account and writes spec files that validate', async () => {
  const refused = await runMain([
    'import',
    '--from',
    'appmesh',
    '--region',
    region,
    '--endpoint',
    endpoint,
    '--out',
    out,
  ]);
  expect(refused.stderr).toContain('nothing written (--partial writes the rest)');
  expect(refused.code).toBe(1);
  const r = await runMain([
    'import',
    '--from',
    'appmesh',
    '--region',
    region,
    '--endpoint',
    endpoint,
    '--partial',
    '--out',
    out,
  ]);
  expect(r.stdout).toContain('wrote 6 files (6 resources, native)');
  expect(r.code).toBe(0);
  // moto has no ListVirtualServices: the call's failure is named, the rest imported.
  expect(r.stderr).toMatch(/ListVirtualServices colorapp: /);
  const files = [
    'colorapp/mesh.yaml',
    'colorapp/virtual-nodes/front.yaml',
    'colorapp/virtual-routers/colorteller.yaml',
    'colorapp/routes/colorteller/colors.yaml',
    'colorapp/virtual-gateways/ingress.yaml',
    'colorapp/gateway-routes/ingress/to-front.yaml',
  ];
  const loaded = loadAndValidate(
    files.map((f) => ({ path: f, content: readFileSync(join(out, f), 'utf8') })),
    { partial: true },
  );
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(loaded.resources.map(resourceId).sort()).toEqual(
    [
      'GatewayRoute/colorapp/ingress/to-front',
      'Mesh/colorapp/colorapp',
      'Route/colorapp/colorteller/colors',
      'VirtualGateway/colorapp/ingress',
      'VirtualNode/colorapp/front',
      'VirtualRouter/colorapp/colorteller',
    ].sort(),
  );
  const spec = (id: string) =>
    loaded.resources.find((x) => resourceId(x) === id)!.spec as Record<string, unknown>;
  expect(spec('VirtualNode/colorapp/front')).toMatchObject(node);
  expect(spec('Route/colorapp/colorteller/colors')).toMatchObject(route);
  expect(readFileSync(join(out, 'colorapp/virtual-nodes/front.yaml'), 'utf8')).toMatch(
    /^# Imported by plexus import from App Mesh API us-east-1, arn:aws:appmesh:us-east-1:\d+:mesh\/colorapp\/virtualNode\/front/,
  );
});

it('--mesh reads one mesh; a mesh that does not exist is named', async () => {
  const r = await runMain([
    'import',
    '--from',
    'appmesh',
    '--region',
    region,
    '--endpoint',
    endpoint,
    '--mesh',
    'nope',
    '--out',
    join(out, 'none'),
  ]);
  expect(r.stderr).toContain('DescribeMesh nope');
  expect(r.stderr).toContain('no App Mesh resources were read');
  expect(r.code).toBe(1);
});
