import { edsCluster, XdsTypes } from '@plexus/testkit';
import { expect, it } from 'vitest';
import { NODE, startHarness } from './harness.ts';

/** ~300 KB of clusters, different each round. */
function bigConfig(round: number) {
  return {
    clusters: Array.from({ length: 60 }, (_, i) =>
      edsCluster(`cluster-${i}-${'x'.repeat(5000)}`, { connectTimeout: `${round + 1}s` }),
    ),
  };
}

it('obligation 15: a stuck client gets bounded buffering, coalesced state, and does not delay others', async () => {
  const h = await startHarness({ maxQueuedPerStream: 2 });
  h.server.setProxyConfig(NODE, bigConfig(0));
  const stuck = h.client().sotw({ id: NODE });
  stuck.request({ typeUrl: XdsTypes.cluster });
  const first = await stuck.next();
  stuck.ack(first);
  stuck.pause();
  const healthy = h.client().sotw({ id: NODE });
  healthy.request({ typeUrl: XdsTypes.cluster });
  healthy.ack(await healthy.next());
  const rounds = 80;
  for (let round = 1; round <= rounds; round++) {
    h.server.setProxyConfig(NODE, bigConfig(round));
    const r = await healthy.nextOf(XdsTypes.cluster);
    healthy.ack(r);
  }
  const [stuckStatus, healthyStatus] = h.server.status(); // in connection order
  expect(healthyStatus.responses).toBe(rounds + 1); // every change reached the healthy client
  expect(stuckStatus.queued).toBeLessThanOrEqual(2);
  expect(stuckStatus.responses).toBeLessThan(rounds / 2); // far fewer than the changes: coalesced, not queued
  // once it reads again it catches up with the latest state
  stuck.resume();
  const latest = healthyStatus.sent[XdsTypes.cluster].version;
  let got = '';
  while (got !== latest) {
    const r = await stuck.nextOf(XdsTypes.cluster);
    got = r.versionInfo;
    stuck.ack(r);
  }
  expect(got).toBe(latest);
});
