import { type PluginHarness, startPluginHarness } from '@plexus/plugin-api/testing';
import { type FakeKubeApiServer, startFakeKubeApiServer, waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import eksModule from '../src/index.ts';
import { endpointSlice, pod, summary } from './fixtures.ts';

// Pod mode against the list/watch API server: many virtual nodes, one informer per namespace and selector.
describe('eks pod mode shares informers', () => {
  let api: FakeKubeApiServer;
  beforeAll(async () => {
    api = await startFakeKubeApiServer();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('five nodes on two selectors of one namespace open three watches, and each sees its own pods', async () => {
    const ns = 'fleet';
    api.apply('pods', pod(ns, 'a-1', { app: 'a' }, '10.7.0.1'));
    api.apply('pods', pod(ns, 'a-2', { app: 'a' }, '10.7.0.2'));
    api.apply('pods', pod(ns, 'b-1', { app: 'b' }, '10.7.1.1'));
    const slice = (extra: Array<{ ip: string; pod: string }> = []) =>
      endpointSlice(ns, 'all', 'all', [
        { ip: '10.7.0.1', pod: 'a-1' },
        { ip: '10.7.0.2', pod: 'a-2' },
        { ip: '10.7.1.1', pod: 'b-1' },
        ...extra,
      ]);
    api.apply('endpointslices', slice());
    const lists = api.stats.list;
    const node = (app: string): PluginHarness =>
      startPluginHarness(
        eksModule,
        {
          key: 'eks',
          config: {},
          listenerPorts: [8080],
          k8s: { namespace: ns, podSelector: { matchLabels: { app } } },
        },
        { settings: { plugins: { eks: { server: api.url } } } },
      );
    const onA = [node('a'), node('a'), node('a'), node('a')];
    const onB = node('b');
    const all = [...onA, onB];
    try {
      for (const h of onA) {
        expect(summary(await h.waitForUpdate((e) => e.length === 2))).toEqual([
          '10.7.0.1:8080 healthy',
          '10.7.0.2:8080 healthy',
        ]);
      }
      expect(summary(await onB.waitForUpdate((e) => e.length === 1))).toEqual(['10.7.1.1:8080 healthy']);
      // One EndpointSlice informer for the namespace, one Pod informer per selector (each list + watch).
      await waitFor(() => api.openWatches === 3, { what: 'three open watches' });
      expect(api.stats.list - lists).toBe(3);

      // A relabelled pod moves from the `a` nodes to the `b` node; every node hears it.
      api.apply('pods', pod(ns, 'a-2', { app: 'b' }, '10.7.0.2'));
      for (const h of onA) await h.waitForUpdate((e) => e.length === 1 && e[0].address === '10.7.0.1');
      await onB.waitForUpdate((e) => e.length === 2);

      // Nodes leaving do not stop the informers the others still use.
      onA[0].stop();
      onA[1].stop();
      api.apply('pods', pod(ns, 'a-3', { app: 'a' }, '10.7.0.3'));
      api.apply('endpointslices', slice([{ ip: '10.7.0.3', pod: 'a-3' }]));
      for (const h of onA.slice(2)) await h.waitForUpdate((e) => e.length === 2);
      expect(api.openWatches).toBe(3);
      for (const h of all) expect(h.errors).toEqual([]);
    } finally {
      for (const h of all) h.stop();
    }
    // The last node gone, the informers stop.
    await waitFor(() => api.openWatches === 0, { what: 'every watch closed' });
  });
});
