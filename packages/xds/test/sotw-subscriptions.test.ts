import { EventEmitter } from 'node:events';
import { loadAssignment } from '@plexus/testkit';
import { expect, it } from 'vitest';
import { envoyType, TypeUrl } from '../src/protos.ts';
import { ResourceCache } from '../src/resource-cache.ts';
import { SotwBodies } from '../src/sotw-bodies.ts';
import { type SotwRequest, SotwStream } from '../src/sotw-stream.ts';
import { type Selection, SotwSubscriptions } from '../src/sotw-subscriptions.ts';
import type { ProxySnapshot } from '../src/types.ts';

const EDS = TypeUrl.ClusterLoadAssignment;
const Response = envoyType('envoy.service.discovery.v3.DiscoveryResponse');
const Cla = envoyType('envoy.config.endpoint.v3.ClusterLoadAssignment');
const cache = new ResourceCache();
const endpoints = (...names: string[]) =>
  new Map(
    names.map((n) => {
      const e = cache.entryFor(EDS, loadAssignment(n, [{ host: '127.0.0.1', port: 9000 }]));
      return [e.name, e];
    }),
  );

it('interns name sets: the same names in any order and with repeats give one Set', () => {
  const subs = new SotwSubscriptions();
  const a = subs.names(['b', 'a']);
  expect(subs.names(['a', 'b', 'a'])).toBe(a);
  expect(subs.names(['a'])).not.toBe(a);
  expect([...a]).toEqual(['a', 'b']);
  expect(subs.size).toBe(2);
});

it('selects once per snapshot map, name set and wildcard flag', () => {
  const subs = new SotwSubscriptions();
  const all = endpoints('a', 'b', 'c');
  const names = subs.names(['a', 'b']);
  let calls = 0;
  const select = (): Selection => {
    calls++;
    return { entries: new Map([...all].filter(([n]) => names.has(n))), version: String(calls) };
  };
  const first = subs.selection(all, names, false, select);
  expect(subs.selection(all, names, false, select)).toBe(first);
  expect(calls).toBe(1);
  subs.selection(all, names, true, select);
  subs.selection(endpoints('a', 'b', 'c'), names, false, select);
  subs.selection(all, subs.names(['c']), false, select);
  expect(calls).toBe(4);
});

/** SotW streams on fake transports that drain at once, all on one server context. */
function streams(n: number, snap: ProxySnapshot) {
  const ctx = {
    snapshot: () => snap,
    events: new EventEmitter(),
    maxQueued: 2,
    bodies: new SotwBodies(),
    subscriptions: new SotwSubscriptions(),
  };
  return {
    ctx,
    list: Array.from({ length: n }, (_, i) => {
      const sent: { names: string[]; version: string; nonce: string }[] = [];
      const call = Object.assign(new EventEmitter(), {
        write(buf: Buffer, done: () => void) {
          const r = Response.decode(buf) as unknown as {
            version_info: string;
            nonce: string;
            resources: { value: Uint8Array }[];
          };
          const names = r.resources.map(
            (x) => (Cla.decode(x.value) as unknown as { cluster_name: string }).cluster_name,
          );
          sent.push({ names: names.sort(), version: r.version_info, nonce: r.nonce });
          setImmediate(done);
          return true;
        },
      });
      const stream = new SotwStream('sotw', { id: `mesh/n-${i}`, cluster: '' }, 'k', ctx, call as never);
      const request = (r: Partial<SotwRequest>) =>
        stream.onRequest({ type_url: EDS, version_info: '', resource_names: [], response_nonce: '', ...r });
      return { stream, request, sent };
    }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

it('streams naming the same endpoints share one selection, and each still gets exactly its names', async () => {
  const snap: ProxySnapshot = { types: new Map([[EDS, endpoints('c1', 'c2', 'c3')]]) };
  const { ctx, list } = streams(4, snap);
  let selects = 0;
  const selection = ctx.subscriptions.selection.bind(ctx.subscriptions);
  ctx.subscriptions.selection = (all, names, wildcard, select) =>
    selection(all, names, wildcard, () => {
      selects++;
      return select();
    });
  list[0].request({ resource_names: ['c1', 'c2'] });
  list[1].request({ resource_names: ['c2', 'c1'] });
  list[2].request({ resource_names: ['c1', 'c2', 'c2'] });
  list[3].request({ resource_names: ['c3'] });
  await tick();
  expect(list.map((s) => s.sent.map((r) => r.names))).toEqual([
    [['c1', 'c2']],
    [['c1', 'c2']],
    [['c1', 'c2']],
    [['c3']],
  ]);
  expect(list[0].sent[0].version).toBe(list[1].sent[0].version);
  expect(list[0].sent[0].version).not.toBe(list[3].sent[0].version);
  expect(selects).toBe(2);
  expect(ctx.subscriptions.size).toBe(3); // [], [c1 c2], [c3]

  // an ACK naming the same resources keeps the shared Set; a change of names moves that stream alone
  list[0].request({
    resource_names: ['c1', 'c2'],
    response_nonce: list[0].sent[0].nonce,
    version_info: list[0].sent[0].version,
  });
  list[1].request({
    resource_names: ['c2', 'c3'],
    response_nonce: list[1].sent[0].nonce,
    version_info: list[1].sent[0].version,
  });
  await tick();
  expect(list[0].sent).toHaveLength(1);
  expect(list[1].sent.map((r) => r.names)).toEqual([
    ['c1', 'c2'],
    ['c2', 'c3'],
  ]);
  expect(list[2].sent).toHaveLength(1);
  expect(list[0].stream.settled(EDS)).toBe(true);
});
