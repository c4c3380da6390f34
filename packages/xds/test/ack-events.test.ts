import { waitFor, XdsTypes } from '@plexus/testkit';
import { expect, it } from 'vitest';
import type { AckEvent, NackEvent } from '../src/index.ts';
import { NODE, sampleConfig, startHarness } from './harness.ts';

it('ack and nack events reach a listener added while the stream is open, with version and revision', async () => {
  const h = await startHarness();
  h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a'] }), { revision: 'r1' });
  const s = h.client().sotw({ id: NODE });
  s.request({ typeUrl: XdsTypes.cluster });
  const first = await s.next();
  s.ack(first, []); // nobody listens yet: no event is built
  await waitFor(() => h.server.status()[0]?.acked[XdsTypes.cluster] === first.versionInfo);

  const acks: AckEvent[] = [];
  const nacks: NackEvent[] = [];
  h.server.on('ack', (e: AckEvent) => acks.push(e));
  h.server.on('nack', (e: NackEvent) => nacks.push(e));
  h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['a', 'b'] }), { revision: 'r2' });
  const second = await s.next();
  s.ack(second, []);
  await waitFor(() => acks.length === 1);
  expect(acks[0]).toMatchObject({
    proxyKey: NODE,
    nodeId: NODE,
    typeUrl: XdsTypes.cluster,
    version: second.versionInfo,
    revision: 'r2',
  });

  h.server.setProxyConfig(NODE, sampleConfig({ clusters: ['b'] }), { revision: 'r3' });
  const third = await s.next();
  s.nack(third, 'no thanks', []);
  await waitFor(() => nacks.length === 1);
  expect(nacks[0]).toMatchObject({ version: third.versionInfo, revision: 'r3', message: 'no thanks' });
});
