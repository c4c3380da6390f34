/**
 * The translate and push stages do work in proportion to what changed: an endpoint change re-translates and
 * pushes EDS to the proxies using the node only, and proxies nothing reached are neither translated nor
 * serialised for comparison.
 */

import { proxyKey } from '@plexus/graph';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoreStages, type Daemon, startDaemon } from '../src/index.ts';
import { FakeDiscovery, FakeSource, FakeXds, fakeStages, specOf } from './fakes.ts';

const A = 'mesh/m/virtualNode/a';
const B = 'mesh/m/virtualNode/b';
const C = 'mesh/m/virtualNode/c';
/** Which upstream node each proxy holds a cluster of: a and b use x, c uses y. */
const UPSTREAM: Record<string, string> = { [A]: 'x', [B]: 'x', [C]: 'y' };

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

/** Fake stages whose translations are counted and whose listeners count every JSON.stringify that reaches them. */
function countingStages() {
  const base = fakeStages();
  const translated: string[] = [];
  const stringified = new Map<string, number>();
  const stages: CoreStages = {
    ...base,
    affectedProxies: (before, after) => {
      const b = specOf(before).proxies;
      const a = specOf(after).proxies;
      return new Set(Object.keys(a).filter((k) => a[k] !== b[k]));
    },
    proxiesUsingNode: (graph, mesh, node) =>
      Object.keys(specOf(graph).proxies).filter((id) => mesh === 'm' && UPSTREAM[id] === node),
    translateProxy: (graph, ref, lookup) => {
      const id = proxyKey(ref);
      translated.push(id);
      const upstream = UPSTREAM[id]!;
      const value = specOf(graph).proxies[id];
      const listener = {
        toJSON: () => {
          stringified.set(id, (stringified.get(id) ?? 0) + 1);
          return { name: id, value };
        },
      };
      return {
        listeners: [listener],
        routes: [],
        clusters: [{ name: upstream }],
        endpoints: [{ name: upstream, endpoints: lookup('m', upstream)?.endpoints ?? [] }],
        secrets: [],
      };
    },
  };
  return { stages, translated, stringified };
}

async function start(stages: CoreStages) {
  const source = new FakeSource();
  const xds = new FakeXds();
  const discovery = new FakeDiscovery();
  daemon = await startDaemon({
    repo: '/nowhere',
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    logger: pino({ level: 'silent' }),
    overrides: { stages, source, createXds: () => xds, discovery, discoveryPlugins: [] },
  });
  return { source, xds, discovery, d: daemon };
}

describe('proportional translate and push', () => {
  it('re-translates only the proxies using a node whose endpoints changed and pushes EDS to them alone', async () => {
    const { stages, translated, stringified } = countingStages();
    const { source, xds, discovery, d } = await start(stages);
    discovery.set('x', ['10.0.0.1']);
    discovery.set('y', ['10.0.1.1']);
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1', [C]: 'v1' } });
    await d.idle();
    expect(translated.sort()).toEqual([A, B, C]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`).sort()).toEqual([`set ${A}`, `set ${B}`, `set ${C}`]);

    translated.length = 0;
    xds.calls = [];
    stringified.clear();
    discovery.set('y', ['10.0.1.2']);
    await d.idle();
    expect(translated).toEqual([C]);
    expect(xds.calls).toEqual([
      {
        op: 'endpoints',
        key: C,
        endpoints: [{ name: 'y', endpoints: [{ address: '10.0.1.2', port: 80, health: 'healthy' }] }],
      },
    ]);
    // A and B kept their config objects: nothing of theirs was serialised to compare.
    expect(stringified.get(A)).toBeUndefined();
    expect(stringified.get(B)).toBeUndefined();

    translated.length = 0;
    xds.calls = [];
    stringified.clear();
    discovery.set('x', ['10.0.0.1', '10.0.0.2']);
    await d.idle();
    expect(translated.sort()).toEqual([A, B]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`).sort()).toEqual([`endpoints ${A}`, `endpoints ${B}`]);
    expect(stringified.get(C)).toBeUndefined();
  });

  it('an endpoint report that changes nothing translates and pushes nothing', async () => {
    const { stages, translated } = countingStages();
    const { source, xds, discovery, d } = await start(stages);
    discovery.set('x', ['10.0.0.1']);
    source.commit('c1', { proxies: { [A]: 'v1', [C]: 'v1' } });
    await d.idle();
    translated.length = 0;
    xds.calls = [];
    discovery.set('x', ['10.0.0.1']);
    await d.idle();
    expect(translated).toEqual([]);
    expect(xds.calls).toEqual([]);
  });

  it('a commit that changes one proxy neither translates nor serialises the others', async () => {
    const { stages, translated, stringified } = countingStages();
    const { source, xds, d } = await start(stages);
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1', [C]: 'v1' } });
    await d.idle();
    translated.length = 0;
    xds.calls = [];
    stringified.clear();
    source.commit('c2', { proxies: { [A]: 'v1', [B]: 'v2', [C]: 'v1' } });
    await d.idle();
    expect(translated).toEqual([B]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`set ${B}`]);
    expect([...stringified.keys()]).toEqual([B]);
    expect(d.status.document().revision.applied).toBe('c2');
  });

  it('a commit and an endpoint change together re-translate the union of what each reaches', async () => {
    const { stages, translated } = countingStages();
    const { source, xds, discovery, d } = await start(stages);
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1', [C]: 'v1' } });
    await d.idle();
    translated.length = 0;
    xds.calls = [];
    discovery.set('y', ['10.0.1.1']);
    source.commit('c2', { proxies: { [A]: 'v2', [B]: 'v1', [C]: 'v1' } });
    await d.idle();
    expect(translated.sort()).toEqual([A, C]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`).sort()).toEqual([`endpoints ${C}`, `set ${A}`]);
  });

  it('without proxiesUsingNode an endpoint change still re-translates every proxy', async () => {
    const { stages, translated } = countingStages();
    const { source, xds, discovery, d } = await start({ ...stages, proxiesUsingNode: undefined });
    source.commit('c1', { proxies: { [A]: 'v1', [B]: 'v1', [C]: 'v1' } });
    await d.idle();
    translated.length = 0;
    xds.calls = [];
    discovery.set('y', ['10.0.1.1']);
    await d.idle();
    expect(translated.sort()).toEqual([A, B, C]);
    expect(xds.calls.map((c) => `${c.op} ${c.key}`)).toEqual([`endpoints ${C}`]);
  });
});
