import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proxyKey } from '@plexus/graph';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoreStages, type Daemon, type ResolveProxy, startDaemon } from '../src/index.ts';
import { FakeDiscovery, FakeSource, FakeXds, fakeStages, specOf } from './fakes.ts';

const A = 'mesh/m/virtualNode/a';
const B = 'mesh/m/virtualNode/b';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function start(stages: CoreStages, stateDir?: string) {
  const source = new FakeSource();
  const xds = new FakeXds();
  daemon = await startDaemon({
    repo: '/nowhere',
    stateDir,
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    overrides: { stages, source, createXds: () => xds, discovery: new FakeDiscovery(), discoveryPlugins: [] },
  });
  return { source, xds, d: daemon };
}

describe('daemon pipeline details', () => {
  it('with a state dir, a restart applies the last good revision before a broken HEAD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-state-'));
    try {
      const first = await start(fakeStages(), dir);
      first.source.commit('good', { proxies: { [A]: 'v1' } });
      await first.d.idle();
      await first.d.stop();
      const second = await start(fakeStages(), dir);
      expect(second.xds.calls).toMatchObject([{ op: 'set', key: A, revision: 'good' }]);
      second.source.commit('bad', {
        proxies: { [A]: 'v2' },
        error: { line: 3, path: 'spec', message: 'no' },
      });
      await second.d.idle();
      expect(second.d.status.document().revision).toMatchObject({
        applied: 'good',
        attempted: 'bad',
        error: { revision: 'bad', line: 3 },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('translates only the proxies the graph diff names when endpoints did not change', async () => {
    const base = fakeStages();
    const translated: string[] = [];
    const stages: CoreStages = {
      ...base,
      affectedProxies: (before, after) => {
        const b = specOf(before).proxies;
        const a = specOf(after).proxies;
        return new Set(Object.keys(a).filter((k) => a[k] !== b[k]));
      },
      translateProxy: (graph, ref, lookup, options) => {
        translated.push(proxyKey(ref));
        return base.translateProxy(graph, ref, lookup, options);
      },
    };
    const { source, xds, d } = await start(stages);
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1' } });
    await d.idle();
    expect(translated).toEqual([A, B]);
    translated.length = 0;
    xds.calls = [];
    source.commit('c2', { proxies: { [A]: 'v1', [B]: 'v2' } });
    await d.idle();
    expect(translated).toEqual([B]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`set ${B}`]);
    expect(d.status.document().revision.applied).toBe('c2');
  });

  it('hands POST /webhook to the source webhook handler, which refreshes the source', async () => {
    const stages: CoreStages = {
      ...fakeStages(),
      createWebhookHandler:
        ({ onTrigger }) =>
        (_req, res) => {
          onTrigger();
          res.writeHead(202);
          res.end();
        },
    };
    const { source, d } = await start(stages);
    const res = await fetch(`http://127.0.0.1:${d.httpPort}/webhook`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    expect(source.refreshes).toBe(1);
    expect((await fetch(`http://127.0.0.1:${d.httpPort}/nope`)).status).toBe(404);
  });

  it('resolves xDS nodes by id, then cluster, and explains a bad one', async () => {
    let resolve: ResolveProxy | undefined;
    const xds = new FakeXds();
    daemon = await startDaemon({
      repo: '/nowhere',
      httpListen: '127.0.0.1:0',
      xdsListen: '127.0.0.1:0',
      logger: pino({ level: 'silent' }),
      overrides: {
        stages: fakeStages(),
        source: new FakeSource(),
        createXds: (o) => {
          resolve = o.resolveProxy;
          return xds;
        },
        discovery: new FakeDiscovery(),
        discoveryPlugins: [],
      },
    });
    expect(resolve!({ id: A, cluster: '' })).toBe(A);
    expect(resolve!({ id: 'sidecar-1', cluster: B })).toBe(B);
    expect(resolve!({ id: 'x', cluster: 'y' })).toMatchObject({
      error: expect.stringContaining("node id 'x'"),
    });
  });
});
