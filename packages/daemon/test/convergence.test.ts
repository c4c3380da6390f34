import { describe, expect, it } from 'vitest';
import { type ConvergedEvent, ConvergenceTracker } from '../src/convergence.ts';
import { FakeXds, fakeStream } from './fakes.ts';

const A = 'mesh/m/virtualNode/a';
const B = 'mesh/m/virtualNode/b';

/** A server that answers per proxy and counts whole-fleet scans. */
class PerProxyXds extends FakeXds {
  scans = 0;
  override status() {
    this.scans++;
    return super.status();
  }
  statusOf(key: string) {
    return this.streams.filter((s) => s.proxyKey === key);
  }
}

function track(xds: FakeXds) {
  const events: ConvergedEvent[] = [];
  return { tracker: new ConvergenceTracker(xds, (e) => events.push(e)), events };
}

describe('ConvergenceTracker', () => {
  it('with a per-proxy lookup, a revision and its ACKs never scan every stream', () => {
    const xds = new PerProxyXds();
    xds.streams = [
      fakeStream(A, { revision: 'c0', acked: { lds: '1' }, sent: { lds: '1' } }),
      fakeStream(B, { revision: 'c0', acked: { lds: '1' }, sent: { lds: '1' } }),
    ];
    const { tracker, events } = track(xds);
    tracker.applied('c1', Date.now(), [A], []);
    expect(events).toEqual([]);
    xds.streams[0] = fakeStream(A, { revision: 'c1', acked: { lds: '2' }, sent: { lds: '2' } });
    tracker.changed(B); // not affected: ignored
    tracker.changed(A);
    expect(events).toMatchObject([{ revision: 'c1', proxies: [A] }]);
    expect(xds.scans).toBe(0);
  });

  it('affected proxies that are not connected are not waited for; a proxy named twice counts once', () => {
    const xds = new PerProxyXds();
    xds.streams = [fakeStream(A, { revision: 'c0', acked: { lds: '1' }, sent: { lds: '2' } })];
    const { tracker, events } = track(xds);
    tracker.applied('c1', Date.now(), [A, B], [A]);
    expect(events).toEqual([]);
    xds.streams = [];
    tracker.changed(A, true); // A's stream ended: nothing left to wait for
    expect(events).toMatchObject([{ revision: 'c1', proxies: [A] }]);
  });

  it('without a per-proxy lookup it answers the same from one scan', () => {
    const xds = new FakeXds();
    xds.streams = [fakeStream(A, { revision: 'c0', acked: { lds: '1' }, sent: { lds: '1' } })];
    const { tracker, events } = track(xds);
    tracker.applied('c1', Date.now(), [A, B], []);
    expect(events).toEqual([]);
    xds.streams = [fakeStream(A, { revision: 'c1', acked: { lds: '2' }, sent: { lds: '2' } })];
    tracker.changed(A);
    expect(events).toMatchObject([{ revision: 'c1', proxies: [A] }]);
  });
});
