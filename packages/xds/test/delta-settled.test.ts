import { EventEmitter } from 'node:events';
import { loadAssignment } from '@plexus/testkit';
import { expect, it } from 'vitest';
import { type DeltaRequest, DeltaStream } from '../src/delta-stream.ts';
import { envoyType, TypeUrl } from '../src/protos.ts';
import { ResourceCache } from '../src/resource-cache.ts';
import { SotwBodies } from '../src/sotw-bodies.ts';
import { SotwSubscriptions } from '../src/sotw-subscriptions.ts';
import type { ProxySnapshot } from '../src/types.ts';

const EDS = TypeUrl.ClusterLoadAssignment;
const DeltaResponse = envoyType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
const cache = new ResourceCache();
const endpoints = (...ports: number[]) =>
  new Map(
    ports.map((port) => {
      const e = cache.entryFor(EDS, loadAssignment('c1', [{ host: '127.0.0.1', port }]));
      return [e.name, e];
    }),
  );

/**
 * A delta stream on a fake transport that may hold one response, whose writes drain only when the test says:
 * while one is undrained the stream cannot send, so what settled() says is not hidden by a response in flight.
 */
function streamOnFakeTransport(snap: () => ProxySnapshot) {
  const nonces: string[] = [];
  const drains: (() => void)[] = [];
  const call = Object.assign(new EventEmitter(), {
    write(buf: Buffer, done: () => void) {
      nonces.push((DeltaResponse.decode(buf) as unknown as { nonce: string }).nonce);
      drains.push(done);
      return true;
    },
  });
  const ctx = {
    snapshot: snap,
    events: new EventEmitter(),
    maxQueued: 1,
    bodies: new SotwBodies(),
    subscriptions: new SotwSubscriptions(),
  };
  const stream = new DeltaStream('delta', { id: 'mesh/n', cluster: '' }, 'k', ctx, call as never);
  const request = (r: Partial<DeltaRequest>) =>
    stream.onRequest({
      type_url: EDS,
      resource_names_subscribe: [],
      resource_names_unsubscribe: [],
      initial_resource_versions: {},
      response_nonce: '',
      ...r,
    });
  return { stream, request, nonces, drains };
}

const tick = () => new Promise((r) => setImmediate(r));

it('delta settled() follows subscription, snapshot and send changes between ACKs (its memo never goes stale)', async () => {
  let snap: ProxySnapshot = { types: new Map([[EDS, endpoints(9000)]]) };
  const s = streamOnFakeTransport(() => snap);
  s.request({ resource_names_subscribe: ['c1'] });
  expect(s.stream.settled(EDS)).toBe(false);
  await tick();
  s.request({ response_nonce: s.nonces[0] });
  expect(s.stream.settled(EDS)).toBe(true);
  expect(s.stream.settled(EDS)).toBe(true);

  // a subscription change while the transport is full: nothing can be sent, so nothing is in flight
  s.request({ resource_names_subscribe: ['c2'] });
  expect(s.stream.settled(EDS)).toBe(false);
  await tick();
  expect(s.nonces).toHaveLength(1);
  expect(s.stream.settled(EDS)).toBe(false);

  // the transport drains: c2 goes out as removed, and its ACK settles the type again
  s.drains[0]();
  await tick();
  expect(s.nonces).toHaveLength(2);
  s.request({ response_nonce: s.nonces[1] });
  expect(s.stream.settled(EDS)).toBe(true);

  // a new snapshot map with changed content, also while the transport is full
  snap = { types: new Map([[EDS, endpoints(9001)]]) };
  expect(s.stream.settled(EDS)).toBe(false);
  // a new map with the same content is still settled
  snap = { types: new Map([[EDS, endpoints(9000)]]) };
  expect(s.stream.settled(EDS)).toBe(true);

  // unsubscribing c2, which the client was told does not exist, leaves it settled
  s.request({ resource_names_unsubscribe: ['c2'] });
  expect(s.stream.settled(EDS)).toBe(true);
});
