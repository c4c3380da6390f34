import { afterEach, describe, expect, it } from 'vitest';
import { DiscoveryManager, type EndpointSet } from '../src/index.ts';
import { controllablePlugin, ep } from './fake-plugin.ts';
import { virtualNode } from './resources.ts';

const managers: DiscoveryManager[] = [];
afterEach(() => {
  for (const m of managers.splice(0)) m.close();
});

function setup(opts: { retryBaseMs?: number } = {}) {
  const fake = controllablePlugin();
  const m = new DiscoveryManager({
    plugins: [fake.plugin],
    debounceMs: 5,
    retry: { baseMs: opts.retryBaseMs ?? 20, maxMs: 40 },
  });
  managers.push(m);
  const batches: EndpointSet[][] = [];
  m.onChange((sets) => batches.push(sets));
  const nextBatch = async (timeoutMs = 5000) => {
    const seen = batches.length;
    const deadline = Date.now() + timeoutMs;
    while (batches.length === seen) {
      if (Date.now() > deadline) throw new Error('no onChange');
      await new Promise((r) => setTimeout(r, 2));
    }
    return batches[seen];
  };
  return { fake, m, batches, nextBatch };
}

describe('DiscoveryManager', () => {
  it('starts a watch per virtual node with a handled key and passes listener ports', () => {
    const { fake, m } = setup();
    m.setResources([
      virtualNode('mesh', 'a', { fake: { x: 1 } }, [9000, 9001]),
      virtualNode('mesh', 'b', { dns: { hostname: 'b.local' } }),
      virtualNode('mesh', 'c', undefined),
    ]);
    expect(fake.started).toEqual([
      { mesh: 'mesh', virtualNode: 'a', key: 'fake', config: { x: 1 }, listenerPorts: [9000, 9001] },
    ]);
  });

  it('emits normalized sets, only the changed ones, and drops identical updates', async () => {
    const { fake, m, batches, nextBatch } = setup();
    m.setResources([virtualNode('mesh', 'a', { fake: {} }), virtualNode('mesh', 'b', { fake: {} })]);
    fake.update('mesh/a', [ep('10.0.0.2'), ep('10.0.0.1'), ep('10.0.0.1')]);
    fake.update('mesh/b', [ep('10.0.1.1')]);
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'a', source: 'fake', endpoints: [ep('10.0.0.1'), ep('10.0.0.2')] },
      { mesh: 'mesh', virtualNode: 'b', source: 'fake', endpoints: [ep('10.0.1.1')] },
    ]);
    fake.update('mesh/a', [ep('10.0.0.1'), ep('10.0.0.2')]); // same set, other order
    fake.update('mesh/b', [ep('10.0.1.2')]);
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'b', source: 'fake', endpoints: [ep('10.0.1.2')] },
    ]);
    fake.update('mesh/a', [ep('10.0.0.2'), ep('10.0.0.1')]);
    m.flush();
    expect(batches).toHaveLength(2);
    expect(m.get('mesh', 'a')?.endpoints).toHaveLength(2);
  });

  it('coalesces a burst of updates into one onChange with the last value', async () => {
    const { fake, m, nextBatch } = setup();
    m.setResources([virtualNode('mesh', 'a', { fake: {} })]);
    for (let i = 1; i <= 20; i++) fake.update('mesh/a', [ep(`10.0.0.${i}`)]);
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'a', source: 'fake', endpoints: [ep('10.0.0.20')] },
    ]);
  });

  it('keeps the last endpoints as stale on error, retries with backoff, and recovers', async () => {
    const { fake, m, nextBatch } = setup();
    m.setResources([virtualNode('mesh', 'a', { fake: {} })]);
    fake.update('mesh/a', [ep('10.0.0.1')]);
    await nextBatch();
    fake.fail('mesh/a', 'ThrottlingException');
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'a', source: 'fake', endpoints: [ep('10.0.0.1')], stale: true },
    ]);
    expect(fake.disposed).toEqual(['mesh/a']);
    expect(m.status()[0]).toMatchObject({ stale: true, failures: 1, lastError: 'ThrottlingException' });
    // the manager restarts the watch after the backoff
    while (!fake.live.has('mesh/a')) await new Promise((r) => setTimeout(r, 5));
    expect(fake.started).toHaveLength(2);
    fake.update('mesh/a', [ep('10.0.0.1')]);
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'a', source: 'fake', endpoints: [ep('10.0.0.1')] },
    ]);
    expect(m.status()[0]).toMatchObject({ stale: false, failures: 0 });
  });

  it('ignores reports from a watch after it was disposed', async () => {
    const { fake, m, batches } = setup({ retryBaseMs: 60_000 });
    m.setResources([virtualNode('mesh', 'a', { fake: {} })]);
    const oldSink = fake.live.get('mesh/a')?.sink;
    fake.fail('mesh/a');
    oldSink?.update([ep('10.9.9.9')]);
    m.flush();
    expect(batches).toEqual([]);
    expect(m.current()).toEqual([]);
  });

  it('restarts a watch whose config changed and emits removal for nodes that went away', async () => {
    const { fake, m, nextBatch } = setup();
    m.setResources([virtualNode('mesh', 'a', { fake: { v: 1 } }), virtualNode('mesh', 'b', { fake: {} })]);
    fake.update('mesh/a', [ep('10.0.0.1')]);
    fake.update('mesh/b', [ep('10.0.1.1')]);
    await nextBatch();
    m.setResources([virtualNode('mesh', 'a', { fake: { v: 2 } })]);
    expect(fake.disposed.sort()).toEqual(['mesh/a', 'mesh/b']);
    expect(fake.started.at(-1)?.config).toEqual({ v: 2 });
    expect(await nextBatch()).toEqual([
      { mesh: 'mesh', virtualNode: 'b', source: 'fake', endpoints: [], removed: true },
    ]);
    // cached endpoints of the restarted watch stay until it reports
    expect(m.get('mesh', 'a')?.endpoints).toEqual([ep('10.0.0.1')]);
    // unchanged resources do not restart anything
    const starts = fake.started.length;
    m.setResources([virtualNode('mesh', 'a', { fake: { v: 2 } })]);
    expect(fake.started).toHaveLength(starts);
  });

  it('treats a watch that throws synchronously as a failure', async () => {
    const fake = controllablePlugin();
    let calls = 0;
    const throwing = {
      ...fake.plugin,
      watch: (...args: Parameters<typeof fake.plugin.watch>) => {
        calls++;
        if (calls === 1) throw new Error('bad start');
        return fake.plugin.watch(...args);
      },
    };
    const m = new DiscoveryManager({ plugins: [throwing], debounceMs: 1, retry: { baseMs: 10, maxMs: 10 } });
    managers.push(m);
    m.setResources([virtualNode('mesh', 'a', { fake: {} })]);
    expect(m.status()[0]).toMatchObject({ failures: 1, lastError: 'bad start' });
    while (!fake.live.has('mesh/a')) await new Promise((r) => setTimeout(r, 5));
    expect(calls).toBe(2);
  });
});
