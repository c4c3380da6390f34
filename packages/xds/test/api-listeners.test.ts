import { apiListener, httpListener, XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { NODE, startHarness } from './harness.ts';

const names = (r: { resources: { name: string }[] }) => r.resources.map((x) => x.name).sort();

// A virtual node's config carries both its sidecar listeners and proxyless api_listeners; Envoy's server build
// rejects the latter, gRPC asks for them by name.
const config = {
  listeners: [httpListener('lds_egress', 15001, 'egress'), apiListener('svc.m.local', 'egress')],
};

describe('api_listeners go only to API clients', () => {
  it('an Envoy (user agent "envoy") gets no api_listener through its wildcard, in SotW and delta', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, config);
    const sotw = h.client().sotw({ id: NODE, userAgentName: 'envoy' });
    sotw.request({ typeUrl: XdsTypes.listener });
    expect(names(await sotw.next())).toEqual(['lds_egress']);
    const delta = h.client().delta({ id: NODE, userAgentName: 'envoy' });
    delta.request({ typeUrl: XdsTypes.listener });
    expect(names(await delta.next())).toEqual(['lds_egress']);
  });

  it('a gRPC client gets the api_listener it names; another client kind keeps the full wildcard', async () => {
    const h = await startHarness();
    h.server.setProxyConfig(NODE, config);
    const grpc = h.client().sotw({ id: NODE, userAgentName: 'gRPC Node Pure JS' });
    grpc.request({ typeUrl: XdsTypes.listener, names: ['svc.m.local'] });
    expect(names(await grpc.next())).toEqual(['svc.m.local']);
    const other = h.client().sotw({ id: NODE });
    other.request({ typeUrl: XdsTypes.listener });
    expect(names(await other.next())).toEqual(['lds_egress', 'svc.m.local']);
  });
});
