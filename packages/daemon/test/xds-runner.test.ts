import type { EndpointSet } from '@plexus/plugin-api';
import type { Json } from '@plexus/translate';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { changedEndpointNodes } from '../src/endpoint-changes.ts';
import { createChannels } from '../src/messages.ts';
import { createMetrics } from '../src/metrics.ts';
import { ProxyRevisions } from '../src/proxy-revisions.ts';
import { createXdsRunner } from '../src/runners/xds-runner.ts';
import type { ProxyConfig } from '../src/stages.ts';
import { FakeXds } from './fakes.ts';

/** A part of a config that counts how often JSON.stringify reaches it. */
function counted(counter: { n: number }, value: unknown) {
  return {
    toJSON: () => {
      counter.n++;
      return value;
    },
  };
}

function config(listener: Json, endpoints: Json[]): ProxyConfig {
  return { listeners: [listener], routes: [], clusters: [], endpoints, secrets: [] };
}

async function runner() {
  const xds = new FakeXds();
  const channels = createChannels();
  const r = createXdsRunner(xds, channels, createMetrics(), new ProxyRevisions(), pino({ level: 'silent' }));
  r.start();
  const push = async (revision: string, configs: Map<string, ProxyConfig>) => {
    channels.configs.publish({ revision, seenAt: Date.now(), cause: 'revision', configs });
    await r.idle?.();
  };
  return { xds, push, outcomes: channels.outcomes };
}

describe('xds runner comparisons', () => {
  it('reused config objects cost no serialisation; shared shape parts skip the shape digest', async () => {
    const { xds, push } = await runner();
    const n = { n: 0 };
    const listener = counted(n, { name: 'l' });
    const a1 = config(listener, [{ name: 'e', lb: 1 }]);
    await push('r1', new Map([['a', a1]]));
    expect(xds.calls.map((c) => c.op)).toEqual(['set']);
    xds.calls = [];
    await push('r2', new Map([['a', a1]]));
    expect(xds.calls).toEqual([]);
    // Same listeners/routes/clusters/secrets arrays, new endpoints: an EDS push without serialising the shape.
    const a2 = { ...a1, endpoints: [{ name: 'e', lb: 2 }] };
    await push('r3', new Map([['a', a2]]));
    expect(xds.calls).toEqual([{ op: 'endpoints', key: 'a', endpoints: [{ name: 'e', lb: 2 }] }]);
    expect(n.n).toBe(0);
  });

  it('a re-translated config equal in content is not pushed; a changed shape gets a full push', async () => {
    const { xds, push } = await runner();
    const n = { n: 0 };
    await push('r1', new Map([['a', config(counted(n, { name: 'l' }), [])]]));
    await push('r2', new Map([['a', config(counted(n, { name: 'l' }), [])]]));
    expect(xds.calls.map((c) => `${c.op} ${c.op === 'set' ? c.revision : ''}`)).toEqual(['set r1']);
    await push('r3', new Map([['a', config(counted(n, { name: 'l2' }), [])]]));
    expect(xds.calls.map((c) => `${c.op} ${c.op === 'set' ? c.revision : ''}`)).toEqual(['set r1', 'set r3']);
  });

  it('rolls back the proxies it already replaced when the xDS server refuses one', async () => {
    const { xds, push, outcomes } = await runner();
    const a1 = config({ name: 'a1' }, []);
    const b1 = config({ name: 'b1' }, []);
    const c1 = config({ name: 'c1' }, []);
    await push(
      'r1',
      new Map([
        ['a', a1],
        ['b', b1],
        ['c', c1],
      ]),
    );
    xds.calls = [];
    const set = xds.setProxyConfig.bind(xds);
    xds.setProxyConfig = (key, cfg, opts) => {
      if (key === 'c' && opts.revision === 'r2') throw new Error('encode failed');
      set(key, cfg, opts);
    };
    const seen: unknown[] = [];
    outcomes.subscribe((o) => seen.push(o));
    await push(
      'r2',
      new Map([
        ['a', config({ name: 'a2' }, [])],
        ['b', b1],
        ['c', config({ name: 'c2' }, [])],
      ]),
    );
    // a was replaced, then put back; b was untouched, so it is neither pushed nor restored.
    expect(xds.calls.map((c) => `${c.op} ${c.key} ${c.op === 'set' ? c.revision : ''}`)).toEqual([
      'set a r2',
      'set a r1',
    ]);
    expect(seen.at(-1)).toMatchObject({ revision: 'r2', ok: false, error: { stage: 'apply' } });
  });
});

describe('changedEndpointNodes', () => {
  const set = (node: string, addresses: string[], endpoints?: EndpointSet['endpoints']): EndpointSet => ({
    mesh: 'm',
    virtualNode: node,
    source: 'static',
    endpoints: endpoints ?? addresses.map((address) => ({ address, port: 80, health: 'healthy' as const })),
  });

  it('names added, removed and changed nodes and passes over equal ones', () => {
    const shared = set('x', ['10.0.0.1']).endpoints;
    const before = new Map([
      ['m/x', set('x', [], shared)],
      ['m/y', set('y', ['10.0.0.2'])],
      ['m/z', set('z', ['10.0.0.3'])],
      ['m/gone', set('gone', ['10.0.0.4'])],
    ]);
    const after = new Map([
      ['m/x', set('x', [], shared)],
      ['m/y', set('y', ['10.0.0.2'])],
      ['m/z', set('z', ['10.0.0.9'])],
      ['m/new', set('new', ['10.0.0.5'])],
    ]);
    expect(changedEndpointNodes(before, after)).toEqual([
      { mesh: 'm', node: 'z' },
      { mesh: 'm', node: 'new' },
      { mesh: 'm', node: 'gone' },
    ]);
    expect(changedEndpointNodes(after, after)).toEqual([]);
  });

  it('counts a change of staleness as a change', () => {
    const a = set('x', ['10.0.0.1']);
    expect(changedEndpointNodes(new Map([['m/x', a]]), new Map([['m/x', { ...a, stale: true }]]))).toEqual([
      { mesh: 'm', node: 'x' },
    ]);
  });
});
