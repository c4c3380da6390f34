import {
  type FakeKubeApiServer,
  parseLabelSelector,
  selectorMatches,
  startFakeKubeApiServer,
} from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointSlice } from './fixtures.ts';

interface WatchEvent {
  type: string;
  object: {
    code?: number;
    reason?: string;
    metadata: { name?: string; namespace?: string; resourceVersion?: string };
  };
}

interface ListBody {
  kind: string;
  metadata: { resourceVersion: string };
  items: WatchEvent['object'][];
}

const SLICES = '/apis/discovery.k8s.io/v1/namespaces/apps/endpointslices';

/** Reads JSON watch events from a streaming response until `count` arrived or the stream ended. */
async function readEvents(res: Response, count: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = '';
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      out.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  }
  await reader.cancel().catch(() => {});
  return out;
}

describe('fake kube-apiserver', () => {
  let api: FakeKubeApiServer;
  beforeAll(async () => {
    api = await startFakeKubeApiServer();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('lists per namespace and cluster-wide, filtered by labelSelector, at the current resourceVersion', async () => {
    api.apply('endpointslices', endpointSlice('apps', 'a-1', 'a', [{ ip: '10.0.0.1' }]));
    api.apply('endpointslices', endpointSlice('apps', 'b-1', 'b', [{ ip: '10.0.0.2' }]));
    api.apply('endpointslices', endpointSlice('other', 'a-1', 'a', [{ ip: '10.0.0.3' }]));
    const res = await fetch(`${api.url}${SLICES}?labelSelector=kubernetes.io%2Fservice-name%3Da`);
    const ns = (await res.json()) as ListBody;
    expect(ns.kind).toBe('EndpointSliceList');
    expect(ns.metadata.resourceVersion).toBe(api.resourceVersion);
    expect(ns.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['apps/a-1']);
    const all = (await (
      await fetch(`${api.url}/apis/discovery.k8s.io/v1/endpointslices`)
    ).json()) as ListBody;
    expect(all.items).toHaveLength(3);
    expect((await fetch(`${api.url}/apis/nope`)).status).toBe(404);
  });

  it('streams changes after a resourceVersion, with selector transitions and bookmarks', async () => {
    const from = api.resourceVersion;
    const res = await fetch(
      `${api.url}${SLICES}?watch=true&allowWatchBookmarks=true&resourceVersion=${from}&labelSelector=kubernetes.io%2Fservice-name%3Da`,
    );
    const events = readEvents(res, 4);
    const moved = endpointSlice('apps', 'a-1', 'b', [{ ip: '10.0.0.1' }]);
    api.apply('endpointslices', endpointSlice('apps', 'a-1', 'a', [{ ip: '10.0.0.9' }]));
    api.apply('endpointslices', endpointSlice('apps', 'b-1', 'b', [{ ip: '10.0.0.8' }]));
    api.apply('endpointslices', moved);
    api.bookmark();
    api.apply('endpointslices', endpointSlice('apps', 'a-2', 'a', [{ ip: '10.0.0.7' }]));
    const got = await events;
    expect(got.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED', 'BOOKMARK', 'ADDED']);
    expect(Number(got[3].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(got[0].object.metadata.resourceVersion),
    );
    expect(got[2].object.metadata.resourceVersion).toBe(String(Number(api.resourceVersion) - 1));
  });

  it('answers a watch from a compacted resourceVersion with a 410 Expired ERROR event and ends it', async () => {
    const old = api.resourceVersion;
    api.apply('endpointslices', endpointSlice('apps', 'a-3', 'a', [{ ip: '10.0.0.6' }]));
    api.compact();
    const res = await fetch(`${api.url}${SLICES}?watch=true&resourceVersion=${old}`);
    const got = await readEvents(res, 5);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    expect(api.stats.gone).toBe(1);
  });

  it('parses label selectors', () => {
    const sel = parseLabelSelector('app=color, tier in (front,back),!canary,env!=dev,zone');
    expect(selectorMatches(sel, { app: 'color', tier: 'back', zone: 'a' })).toBe(true);
    expect(selectorMatches(sel, { app: 'color', tier: 'back', zone: 'a', canary: 'y' })).toBe(false);
    expect(selectorMatches(sel, { app: 'color', tier: 'mid', zone: 'a' })).toBe(false);
    expect(selectorMatches(sel, { app: 'color', tier: 'back', zone: 'a', env: 'dev' })).toBe(false);
    expect(() => parseLabelSelector('a=(')).toThrow(/unable to parse/);
  });
});
