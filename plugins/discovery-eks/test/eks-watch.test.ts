import { type PluginHarness, startPluginHarness } from '@plexus/plugin-api/testing';
import { type FakeKubeApiServer, startFakeKubeApiServer, waitFor } from '@plexus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import eksModule from '../src/index.ts';
import { endpointSlice, pod, summary } from './fixtures.ts';

// Every test runs informers of the real @kubernetes/client-node against a real HTTP server.
describe('eks discovery against a fake kube-apiserver', () => {
  let api: FakeKubeApiServer;
  let h: PluginHarness | undefined;
  const settings = () => ({ plugins: { eks: { server: api.url } } });

  beforeAll(async () => {
    api = await startFakeKubeApiServer();
  });
  afterEach(() => {
    h?.stop();
    h = undefined;
  });
  afterAll(async () => {
    await api.stop();
  });

  it('service mode: initial list, then added, modified, terminating and deleted endpoints', async () => {
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'color-abc', 'color', [
        { ip: '10.1.0.2', zone: 'us-west-2a' },
        { ip: '10.1.0.1', zone: 'us-west-2b', ready: false },
      ]),
    );
    api.apply('endpointslices', endpointSlice('shop', 'other-abc', 'other', [{ ip: '10.1.9.9' }]));
    api.apply('endpointslices', endpointSlice('elsewhere', 'color-abc', 'color', [{ ip: '10.2.9.9' }]));
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'color', namespace: 'shop' } },
      { settings: settings() },
    );

    const first = await h.waitForUpdate((e) => e.length > 0);
    expect(summary(first)).toEqual([
      '10.1.0.1:8080 unhealthy us-west-2b',
      '10.1.0.2:8080 healthy us-west-2a',
    ]);
    expect(first[1].metadata).toMatchObject({ endpointSlice: 'color-abc', nodeName: 'node-1' });

    // A second slice of the same service (ADDED), then a readiness change (MODIFIED).
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'color-def', 'color', [{ ip: '10.1.0.3', zone: 'us-west-2c' }]),
    );
    await h.waitForUpdate((e) => e.length === 3);
    api.apply(
      'endpointslices',
      endpointSlice('shop', 'color-abc', 'color', [
        { ip: '10.1.0.2', zone: 'us-west-2a', ready: false, serving: true, terminating: true },
        { ip: '10.1.0.1', zone: 'us-west-2b' },
      ]),
    );
    const modified = await h.waitForUpdate((e) => e.some((x) => x.health === 'draining'));
    expect(summary(modified)).toEqual([
      '10.1.0.1:8080 healthy us-west-2b',
      '10.1.0.2:8080 draining us-west-2a',
      '10.1.0.3:8080 healthy us-west-2c',
    ]);

    api.delete('endpointslices', 'shop', 'color-abc');
    const deleted = await h.waitForUpdate((e) => e.length === 1);
    expect(summary(deleted)).toEqual(['10.1.0.3:8080 healthy us-west-2c']);
    expect(h.errors).toEqual([]);
  });

  it('picks the port by name or number from the config', async () => {
    api.apply(
      'endpointslices',
      endpointSlice(
        'ports',
        'grpc-1',
        'grpc',
        [{ ip: '10.3.0.1' }],
        [
          { name: 'metrics', port: 9102 },
          { name: 'grpc', port: 50051 },
        ],
      ),
    );
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'grpc', namespace: 'ports', port: 'grpc' } },
      { settings: settings() },
    );
    expect(summary(await h.waitForUpdate((e) => e.length > 0))).toEqual(['10.3.0.1:50051 healthy']);
  });

  it('pod mode: the CRD podSelector picks which pods of the namespace count', async () => {
    api.apply('pods', pod('colorapp', 'red-1', { app: 'color', version: 'red' }, '10.4.0.1'));
    api.apply('pods', pod('colorapp', 'red-2', { app: 'color', version: 'red' }, '10.4.0.2'));
    api.apply('pods', pod('colorapp', 'blue-1', { app: 'color', version: 'blue' }, '10.4.0.3'));
    api.apply(
      'endpointslices',
      endpointSlice('colorapp', 'color-x', 'color', [
        { ip: '10.4.0.1', pod: 'red-1' },
        { ip: '10.4.0.2', pod: 'red-2' },
        { ip: '10.4.0.3', pod: 'blue-1' },
      ]),
    );
    h = startPluginHarness(
      eksModule,
      {
        key: 'eks',
        config: {},
        listenerPorts: [9080],
        k8s: {
          namespace: 'colorapp',
          podSelector: {
            matchLabels: { app: 'color' },
            matchExpressions: [{ key: 'version', operator: 'In', values: ['red'] }],
          },
        },
      },
      { settings: settings() },
    );
    expect(summary(await h.waitForUpdate((e) => e.length > 0))).toEqual([
      '10.4.0.1:9080 healthy',
      '10.4.0.2:9080 healthy',
    ]);

    // A pod relabelled out of the selector leaves; one relabelled into it joins.
    api.apply('pods', pod('colorapp', 'red-2', { app: 'color', version: 'green' }, '10.4.0.2'));
    api.apply('pods', pod('colorapp', 'blue-1', { app: 'color', version: 'red' }, '10.4.0.3'));
    const after = await h.waitForUpdate((e) => e.some((x) => x.address === '10.4.0.3') && e.length === 2);
    expect(summary(after)).toEqual(['10.4.0.1:9080 healthy', '10.4.0.3:9080 healthy']);
    expect(after[1].metadata?.pod).toBe('blue-1');
  });

  it('a node with neither service nor podSelector selects no pod', async () => {
    h = startPluginHarness(eksModule, { key: 'eks', config: {} }, { settings: settings() });
    expect(await h.nextUpdate()).toEqual([]);
  });

  it('a dropped watch resumes from its resourceVersion without a relist', async () => {
    api.apply('endpointslices', endpointSlice('resume', 'svc-1', 'svc', [{ ip: '10.5.0.1' }]));
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'svc', namespace: 'resume' } },
      { settings: settings() },
    );
    await h.waitForUpdate((e) => e.length === 1);
    const lists = api.stats.list;
    const watches = api.stats.watch;
    api.dropWatches();
    api.apply(
      'endpointslices',
      endpointSlice('resume', 'svc-1', 'svc', [{ ip: '10.5.0.1' }, { ip: '10.5.0.2' }]),
    );
    expect(summary(await h.waitForUpdate((e) => e.length === 2))).toEqual([
      '10.5.0.1:8080 healthy',
      '10.5.0.2:8080 healthy',
    ]);
    expect(api.stats.watch).toBeGreaterThan(watches);
    expect(api.stats.list).toBe(lists);
    expect(h.errors).toEqual([]);
  });

  it('bookmarks keep the resourceVersion current: compaction then needs no relist', async () => {
    api.apply('endpointslices', endpointSlice('bm', 'svc-1', 'svc', [{ ip: '10.6.0.1' }]));
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'svc', namespace: 'bm' } },
      { settings: settings() },
    );
    await h.waitForUpdate((e) => e.length === 1);
    // Changes the watch does not select move the server's resourceVersion past the informer's.
    api.apply('endpointslices', endpointSlice('unrelated', 'x', 'x', [{ ip: '10.99.0.1' }]));
    api.compact();
    const { list, gone } = api.stats;
    // The bookmark carries the current version; the graceful close comes after it on the same stream.
    api.bookmark();
    api.dropWatches({ graceful: true });
    api.apply('endpointslices', endpointSlice('bm', 'svc-1', 'svc', [{ ip: '10.6.0.2' }]));
    expect(summary(await h.waitForUpdate((e) => e[0]?.address === '10.6.0.2'))).toEqual([
      '10.6.0.2:8080 healthy',
    ]);
    expect(api.stats.gone).toBe(gone);
    expect(api.stats.list).toBe(list);
  });

  it('410 Gone after compaction forces a relist and the endpoints are right afterwards', async () => {
    api.apply('endpointslices', endpointSlice('gone', 'svc-1', 'svc', [{ ip: '10.7.0.1' }]));
    api.apply('endpointslices', endpointSlice('gone', 'svc-2', 'svc', [{ ip: '10.7.0.2' }]));
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'svc', namespace: 'gone' } },
      { settings: settings() },
    );
    await h.waitForUpdate((e) => e.length === 2);
    const { list, gone } = api.stats;

    // A gap the client does not see: its watch is cut and not answered while things change and the
    // history is compacted.
    api.pauseWatches();
    api.dropWatches();
    api.delete('endpointslices', 'gone', 'svc-1');
    api.apply(
      'endpointslices',
      endpointSlice('gone', 'svc-2', 'svc', [{ ip: '10.7.0.2', terminating: true, ready: false }]),
    );
    api.apply('endpointslices', endpointSlice('gone', 'svc-3', 'svc', [{ ip: '10.7.0.3', zone: 'z1' }]));
    api.compact();
    // The client's reconnect is held: resume once it asked, so it resumes from a compacted resourceVersion.
    await waitFor(() => api.heldWatches > 0, { what: 'the held reconnect' });
    api.resumeWatches();

    const after = await h.waitForUpdate((e) => e.some((x) => x.address === '10.7.0.3'));
    expect(summary(after)).toEqual(['10.7.0.2:8080 draining', '10.7.0.3:8080 healthy z1']);
    expect(api.stats.gone).toBeGreaterThan(gone);
    expect(api.stats.list).toBeGreaterThan(list);
    expect(h.errors).toEqual([]);
  });

  it('reports an unreachable API server through sink.error', async () => {
    h = startPluginHarness(
      eksModule,
      { key: 'eks', config: { service: 'svc', namespace: 'x' } },
      { settings: { plugins: { eks: { server: 'http://127.0.0.1:1' } } } },
    );
    const err = await h.nextError();
    expect(err.message).toMatch(/^eks: .*namespace x at http:\/\/127\.0\.0\.1:1/);
  });
});
