import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Daemon, type StatusDocument, startDaemon } from '../src/index.ts';
import { FakeDiscovery, FakeSource, FakeXds, fakeStages, fakeStream } from './fakes.ts';

const A = 'mesh/m/virtualNode/a';
const B = 'mesh/m/virtualNode/b';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function start() {
  const source = new FakeSource();
  const xds = new FakeXds();
  const discovery = new FakeDiscovery();
  daemon = await startDaemon({
    repo: '/nowhere',
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    overrides: { stages: fakeStages(), source, createXds: () => xds, discovery, discoveryPlugins: [] },
  });
  const d = daemon;
  const get = async (path: string) => fetch(`http://127.0.0.1:${d.httpPort}${path}`);
  const status = async () => (await (await get('/api/v1/status')).json()) as StatusDocument;
  return { source, xds, discovery, d, get, status };
}

describe('reconciler daemon', () => {
  it('applies a valid revision to every proxy and becomes ready', async () => {
    const { source, xds, d, get, status } = await start();
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1' } });
    await d.idle();
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`set ${A}`, `set ${B}`]);
    expect((await get('/readyz')).status).toBe(200);
    expect((await status()).revision).toEqual({ applied: 'c1', attempted: 'c1', error: null });
  });

  it('keeps the last good revision when one fails validation, then applies the fix', async () => {
    const { source, xds, d, status } = await start();
    source.commit('good', { proxies: { [A]: 'v1' } });
    await d.idle();
    xds.calls = [];
    source.commit('bad', {
      proxies: { [A]: 'v2' },
      error: { line: 7, path: 'spec.listeners[0].portMapping.port', message: 'must be 1..65535' },
    });
    await d.idle();
    expect(xds.calls).toEqual([]);
    const s = await status();
    expect(s.revision.applied).toBe('good');
    expect(s.revision.attempted).toBe('bad');
    expect(s.revision.error).toMatchObject({
      revision: 'bad',
      stage: 'load',
      file: 'mesh.json',
      line: 7,
      field: 'spec.listeners[0].portMapping.port',
      message: 'must be 1..65535',
      errors: ['mesh.json:7:3: spec.listeners[0].portMapping.port: must be 1..65535'],
    });
    source.commit('fixed', { proxies: { [A]: 'v3' } });
    await d.idle();
    expect(xds.calls).toMatchObject([{ op: 'set', key: A, revision: 'fixed' }]);
    expect((await status()).revision).toEqual({ applied: 'fixed', attempted: 'fixed', error: null });
  });

  it('pushes only proxies whose config changed, and removes proxies that went away', async () => {
    const { source, xds, d } = await start();
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1' } });
    await d.idle();
    xds.calls = [];
    source.commit('c2', { proxies: { [A]: 'v1', [B]: 'v2' } });
    await d.idle();
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`set ${B}`]);
    xds.calls = [];
    source.commit('c3', { proxies: { [B]: 'v2' } });
    await d.idle();
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`remove ${A}`]);
  });

  it('sends endpoint-only changes as endpoint updates', async () => {
    const { source, xds, discovery, d } = await start();
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1' } });
    await d.idle();
    xds.calls = [];
    discovery.set('b', ['127.0.0.9']);
    await d.idle();
    expect(xds.calls).toEqual([
      {
        op: 'endpoints',
        key: B,
        endpoints: [
          { '@type': 'cla', name: 'b', endpoints: [{ address: '127.0.0.9', port: 80, health: 'healthy' }] },
        ],
      },
    ]);
  });

  it('applies a revision atomically: one proxy failing to translate pushes none', async () => {
    const { source, xds, d, status } = await start();
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1' } });
    await d.idle();
    xds.calls = [];
    source.commit('c2', { proxies: { [A]: 'v2', [B]: 'v2' }, throwIn: B });
    await d.idle();
    expect(xds.calls).toEqual([]);
    const s = await status();
    expect(s.revision.applied).toBe('c1');
    expect(s.revision.error).toMatchObject({
      revision: 'c2',
      stage: 'translate',
      message: `cannot translate ${B}`,
    });
  });

  it('reports proxies, convergence and metrics', async () => {
    const { source, xds, d, get, status } = await start();
    xds.streams = [fakeStream(A, { revision: 'old', acked: { lds: '1' }, sent: { lds: '1' } })];
    const converged = new Promise((r) => d.status.once('converged', r));
    source.commit('c1', { proxies: { [A]: 'v1' } });
    await d.idle();
    xds.streams = [
      fakeStream(A, {
        revision: 'c1',
        acked: { lds: '2' },
        sent: { lds: '2' },
        nacked: { cds: { version: '1', message: 'bad cluster' } },
      }),
    ];
    xds.emit('ack', { proxyKey: A });
    await expect(converged).resolves.toMatchObject({ revision: 'c1', proxies: [A] });
    expect((await status()).proxies).toEqual([
      {
        node: A,
        connected: true,
        acked: { lds: '2' },
        nacked: { cds: { version: '1', message: 'bad cluster' } },
        revision: 'c1',
      },
    ]);
    xds.emit('nack', { typeUrl: 'cds' });
    const text = await (await get('/metrics')).text();
    expect(text).toContain('plexus_applied_revision_info{revision="c1"} 1');
    expect(text).toContain('plexus_reconcile_total{outcome="applied",stage="apply"} 1');
    expect(text).toContain('plexus_connected_proxies 1');
    expect(text).toContain('plexus_xds_pushes_total{kind="config"} 1');
    expect(text).toContain('plexus_xds_nacks_total{type_url="cds"} 1');
    expect(text).toContain('plexus_convergence_seconds_count 1');
  });

  it('stops the source, drains xDS and closes HTTP on stop', async () => {
    const { source, xds, d } = await start();
    await d.stop();
    expect(source.stopped).toBe(true);
    expect(xds.shutDown).toBe(true);
    await expect(fetch(`http://127.0.0.1:${d.httpPort}/healthz`)).rejects.toThrow();
  });
});
