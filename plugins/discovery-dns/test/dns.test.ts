import { DiscoveryManager, type DiscoverySettings, type EndpointSet } from '@plexus/plugin-api';
import { startPluginHarness } from '@plexus/plugin-api/testing';
import type { SpecResource } from '@plexus/spec';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dnsModule, { dnsDiscoveryPlugin, validateDnsConfig } from '../src/index.ts';
import { startDnsServer, type TestDnsServer } from './dns-server.ts';

let dns: TestDnsServer;
const settings = (): DiscoverySettings => ({
  plugins: { dns: { servers: [dns.server], pollIntervalMs: 100 } },
});

beforeAll(async () => {
  dns = await startDnsServer();
  dns.records.set('colorteller.colorapp.local', ['10.0.0.1', '10.0.0.2', 'fd00::1']);
  dns.records.set('v4only.colorapp.local', ['10.0.1.1']);
});
afterAll(async () => {
  await dns?.stop();
});

const addresses = (eps: { address: string }[]) => eps.map((e) => e.address).sort();

describe('dns plugin against a real UDP DNS server on loopback', () => {
  it('ENDPOINTS with IPv4_ONLY: every A record, on the listener port', async () => {
    const h = startPluginHarness(
      dnsModule,
      {
        key: 'dns',
        config: {
          hostname: 'colorteller.colorapp.local',
          responseType: 'ENDPOINTS',
          ipPreference: 'IPv4_ONLY',
        },
        listenerPorts: [9080],
      },
      { settings: settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps).toEqual([
        { address: '10.0.0.1', port: 9080, health: 'healthy' },
        { address: '10.0.0.2', port: 9080, health: 'healthy' },
      ]);
    } finally {
      h.stop();
    }
  });

  it('honours ipPreference: IPv6_ONLY, default IPv6_PREFERRED, falling back to IPv4', async () => {
    const run = async (config: Record<string, unknown>, meshIpPreference?: string) => {
      const h = startPluginHarness(
        dnsModule,
        {
          key: 'dns',
          config: { responseType: 'ENDPOINTS', ...config },
          ...(meshIpPreference ? { meshIpPreference } : {}),
        },
        { settings: settings() },
      );
      try {
        return addresses(await h.nextUpdate());
      } finally {
        h.stop();
      }
    };
    expect(await run({ hostname: 'colorteller.colorapp.local', ipPreference: 'IPv6_ONLY' })).toEqual([
      'fd00::1',
    ]);
    expect(await run({ hostname: 'colorteller.colorapp.local' })).toEqual(['fd00::1']);
    expect(await run({ hostname: 'colorteller.colorapp.local' }, 'IPv4_PREFERRED')).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    expect(await run({ hostname: 'v4only.colorapp.local', ipPreference: 'IPv6_PREFERRED' })).toEqual([
      '10.0.1.1',
    ]);
    expect(await run({ hostname: 'v4only.colorapp.local', ipPreference: 'IPv6_ONLY' })).toEqual([]);
    expect(await run({ hostname: 'missing.colorapp.local' })).toEqual([]);
  });

  it('LOADBALANCER (default) keeps one address; re-resolves periodically', async () => {
    dns.records.set('moving.colorapp.local', ['10.0.2.1']);
    const h = startPluginHarness(
      dnsModule,
      { key: 'dns', config: { hostname: 'moving.colorapp.local', ipPreference: 'IPv4_ONLY' } },
      { settings: settings() },
    );
    try {
      expect(addresses(await h.nextUpdate())).toEqual(['10.0.2.1']);
      dns.records.set('moving.colorapp.local', ['10.0.2.7', '10.0.2.8']);
      const moved = await h.waitForUpdate((e) => e[0]?.address !== '10.0.2.1');
      expect(moved).toHaveLength(1);
      expect(['10.0.2.7', '10.0.2.8']).toContain(moved[0].address);
    } finally {
      h.stop();
    }
  });

  it('resolves through the system resolver (getaddrinfo, /etc/hosts) when no servers are set', async () => {
    const h = startPluginHarness(
      dnsModule,
      { key: 'dns', config: { hostname: 'localhost', ipPreference: 'IPv4_ONLY', responseType: 'ENDPOINTS' } },
      { settings: { pollIntervalMs: 100 } },
    );
    try {
      expect(addresses(await h.nextUpdate())).toEqual(['127.0.0.1']);
    } finally {
      h.stop();
    }
  });

  it('SERVFAIL keeps the last endpoints (stale); recovery resumes updates', async () => {
    const m = new DiscoveryManager({
      plugins: [dnsDiscoveryPlugin],
      settings: settings(),
      debounceMs: 10,
      retry: { baseMs: 50, maxMs: 200 },
    });
    const sets: EndpointSet[] = [];
    m.onChange((changed) => sets.push(...changed));
    dns.records.set('flaky.colorapp.local', ['10.0.3.1']);
    const node: SpecResource = {
      kind: 'VirtualNode',
      mesh: 'colorapp',
      name: 'flaky',
      spec: {
        listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }],
        serviceDiscovery: { dns: { hostname: 'flaky.colorapp.local', ipPreference: 'IPv4_ONLY' } },
      },
      format: 'native',
      position: { file: 'n.yaml', line: 1, col: 1 },
      positionOf: () => ({ file: 'n.yaml', line: 1, col: 1 }),
    };
    try {
      m.setResources([node]);
      await waitFor(() => sets.length === 1, { what: 'first set' });
      dns.failing = true;
      await waitFor(() => sets.length === 2, { what: 'stale set' });
      expect(sets[1]).toMatchObject({
        stale: true,
        source: 'dns',
        endpoints: [{ address: '10.0.3.1', port: 8080 }],
      });
      dns.records.set('flaky.colorapp.local', ['10.0.3.2']);
      dns.failing = false;
      await waitFor(() => sets.length === 3, { what: 'recovered set' });
      expect(sets[2].stale).toBeUndefined();
      expect(addresses(sets[2].endpoints)).toEqual(['10.0.3.2']);
    } finally {
      m.close();
      dns.failing = false;
    }
  });

  it('validates dns config', () => {
    expect(validateDnsConfig({ hostname: 'a.b' })).toEqual([]);
    expect(validateDnsConfig({ responseType: 'ALL' })).toEqual([
      { path: 'hostname', message: 'required' },
      { path: 'responseType', message: 'expected one of ENDPOINTS, LOADBALANCER' },
    ]);
  });
});
