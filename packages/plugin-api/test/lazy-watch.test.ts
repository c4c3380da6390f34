import { describe, expect, it } from 'vitest';
import type { DiscoveryPlugin, EndpointSink } from '../src/index.ts';
import { lazyWatch } from '../src/index.ts';

type Watch = DiscoveryPlugin['watch'];
const target = { mesh: 'm', virtualNode: 'n', key: 'k', config: {}, listenerPorts: [80] };
const ctx = {} as Parameters<Watch>[2];

function recordingSink() {
  const updates: string[][] = [];
  const errors: string[] = [];
  const sink: EndpointSink = {
    update: (eps) => updates.push(eps.map((e) => `${e.address}:${e.port}`)),
    error: (err) => errors.push(err.message),
  };
  return { sink, updates, errors };
}

describe('lazyWatch', () => {
  it('imports the implementation once, on the first watch, and runs every watch through it', async () => {
    let loads = 0;
    const watch = lazyWatch(async () => {
      loads++;
      const impl: Watch = (t, sink) => {
        sink.update([{ address: '127.0.0.1', port: t.listenerPorts[0]!, health: 'healthy' }]);
        return { dispose() {} };
      };
      return impl;
    });
    expect(loads).toBe(0);
    const a = recordingSink();
    const b = recordingSink();
    watch(target, a.sink, ctx);
    watch({ ...target, listenerPorts: [81] }, b.sink, ctx);
    await new Promise((r) => setTimeout(r, 10));
    expect(loads).toBe(1);
    expect(a.updates).toEqual([['127.0.0.1:80']]);
    expect(b.updates).toEqual([['127.0.0.1:81']]);
  });

  it('a watch disposed before the import finished never starts; a failed import is an error and is retried', async () => {
    let started = 0;
    let fail = true;
    const watch = lazyWatch(async () => {
      if (fail) throw new Error('cannot load the SDK');
      return (() => {
        started++;
        return { dispose() {} };
      }) as Watch;
    });
    const first = recordingSink();
    watch(target, first.sink, ctx);
    await new Promise((r) => setTimeout(r, 10));
    expect(first.errors).toEqual(['cannot load the SDK']);
    fail = false;
    watch(target, recordingSink().sink, ctx).dispose();
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(0);
    watch(target, recordingSink().sink, ctx);
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(1);
  });

  it('a loaded watch that throws reports through sink.error, not as an unhandled rejection', async () => {
    const watch = lazyWatch(async () => () => {
      throw new Error('settings.plugins.x.cacheEntries must be an integer >= 1, got 0');
    });
    const a = recordingSink();
    watch(target, a.sink, ctx);
    await new Promise((r) => setTimeout(r, 10));
    expect(a.errors).toEqual(['settings.plugins.x.cacheEntries must be an integer >= 1, got 0']);
  });
});
