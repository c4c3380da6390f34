import { status as GrpcStatus } from '@grpc/grpc-js';
import { AdsClient, loadAssignment, waitFor, XdsTypes } from '@plexus/testkit';
import { expect, it } from 'vitest';
import { XdsServer } from '../src/index.ts';
import { NODE, sampleConfig, startHarness } from './harness.ts';

it('updateEndpoints pushes endpoints only, with the same revision unless given', async () => {
  const h = await startHarness();
  h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }), { revision: 'r1' });
  const s = h.client().sotw({ id: NODE });
  const names: Record<string, string[]> = {
    [XdsTypes.cluster]: [],
    [XdsTypes.endpoint]: ['a'],
    [XdsTypes.listener]: [],
    [XdsTypes.route]: ['r1'],
  };
  for (const t of Object.keys(names)) s.request({ typeUrl: t, names: names[t] });
  for (let i = 0; i < 4; i++) {
    const r = await s.next();
    s.ack(r, names[r.typeUrl]);
  }
  await waitFor(() => h.server.converged(NODE));
  h.server.updateEndpoints(NODE, [loadAssignment('a', [{ host: '127.0.0.9', port: 9 }])]);
  const r = await s.next();
  expect(r.typeUrl).toBe(XdsTypes.endpoint);
  s.ack(r, ['a']);
  expect(await s.receivesWithin(300)).toBe(false);
  expect(h.server.status()[0].revision).toBe('r1');
});

it('shutdown ends open streams with UNAVAILABLE and stops accepting', async () => {
  const server = new XdsServer({ resolveProxy: (n) => n.id });
  const port = await server.listen('127.0.0.1:0');
  server.setProxyConfig(NODE, sampleConfig());
  const client = new AdsClient(`127.0.0.1:${port}`);
  const s = client.sotw({ id: NODE });
  s.request({ typeUrl: XdsTypes.cluster });
  await s.next();
  await server.shutdown(1000);
  expect((await s.ended()).code).toBe(GrpcStatus.UNAVAILABLE);
  const again = client.sotw({ id: NODE });
  again.request({ typeUrl: XdsTypes.cluster });
  expect((await again.ended()).code).toBe(GrpcStatus.UNAVAILABLE);
  client.close();
});

it('removeProxyConfig drops the snapshot and its cached resources', async () => {
  const h = await startHarness();
  h.server.setProxyConfig(NODE, sampleConfig());
  expect(h.server.metrics().cachedResources).toBe(6);
  h.server.removeProxyConfig(NODE);
  expect(h.server.metrics().cachedResources).toBe(0);
});
