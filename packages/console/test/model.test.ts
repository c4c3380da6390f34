import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import { createTelemetry, streamIdentity } from '@plexus/telemetry';
import { repoRoot } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { consoleGraph, edgeTraffic } from '../src/index.ts';

const dir = join(repoRoot, 'examples/colorapp/mesh');
const files = readdirSync(dir).map((f) => ({ path: f, content: readFileSync(join(dir, f), 'utf8') }));

describe('console model', () => {
  const g = consoleGraph('abc', buildGraph(loadAndValidate(files).resources));

  it('draws colorapp: gateway → service → node → service → router → three nodes with weights', () => {
    expect(g.nodes.map((n) => n.id)).toEqual([
      'vg:colorapp/ingress-gw',
      'vn:colorapp/colorteller-blue',
      'vn:colorapp/colorteller-green',
      'vn:colorapp/colorteller-red',
      'vn:colorapp/front',
      'vr:colorapp/colorteller',
      'vs:colorapp/colorteller.colorapp.local',
      'vs:colorapp/front.colorapp.local',
    ]);
    const routes = g.edges.filter((e) => e.kind === 'route');
    expect(routes.map((e) => [e.to, e.weight, e.share])).toEqual([
      ['vn:colorapp/colorteller-blue', 1, 33.3],
      ['vn:colorapp/colorteller-green', 1, 33.3],
      ['vn:colorapp/colorteller-red', 1, 33.3],
    ]);
    expect(g.nodes.find((n) => n.name === 'front')?.source).toMatch(/^front\.yaml:\d+$/);
  });

  it('lays telemetry edges onto the drawn edges', () => {
    const t = createTelemetry();
    const id = streamIdentity('mesh/colorapp/virtualNode/front', '', 'plexus_egress');
    const rec = (node: string, code: number) => ({
      upstreamCluster: `cds_egress_colorapp_${node}_http_9081`,
      routeName: 'colorteller/colors',
      authority: 'colorteller.colorapp.local',
      responseCode: code,
      flags: code === 503 ? ['UF'] : [],
      durationSeconds: 0.01,
    });
    t.store.recordHttp(id, rec('colorteller-red', 200));
    t.store.recordHttp(id, rec('colorteller-red', 503));
    t.store.recordHttp(id, rec('colorteller-blue', 200));
    const traffic = edgeTraffic(g, t.edges(10));
    t.stop();
    expect(traffic['vr:colorapp/colorteller/colors->vn:colorapp/colorteller-red']).toMatchObject({
      requests: 2,
      errors: 1,
      errorRate: 0.5,
      byFlag: { UF: 1 },
      trafficShare: 66.7,
    });
    expect(traffic['vn:colorapp/front->vs:colorapp/colorteller.colorapp.local']).toMatchObject({
      requests: 3,
      errors: 1,
    });
    expect(traffic['vs:colorapp/colorteller.colorapp.local->vr:colorapp/colorteller']).toMatchObject({
      requests: 3,
    });
  });
});

describe('console model with several sources', () => {
  it('says which source defines each node', () => {
    const resources = loadAndValidate(
      files.map((f) => ({ path: `team-a/${f.path}`, content: f.content })),
    ).resources;
    for (const r of resources) r.source = 'team-a';
    const g = consoleGraph('abc', buildGraph(resources));
    const front = g.nodes.find((n) => n.name === 'front')!;
    expect(front.fromSource).toBe('team-a');
    expect(front.source).toMatch(/^team-a\/front\.yaml:\d+$/);
  });
});
