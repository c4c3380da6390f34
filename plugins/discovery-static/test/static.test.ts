import { validateDiscoveryConfig } from '@plexus/plugin-api';
import { startPluginHarness } from '@plexus/plugin-api/testing';
import { describe, expect, it } from 'vitest';
import staticModule, { staticDiscoveryPlugin } from '../src/index.ts';

describe('static discovery plugin', () => {
  it('reports the listed endpoints, port defaulting to the listener port', async () => {
    const h = startPluginHarness(staticModule, {
      key: 'static',
      config: { endpoints: [{ address: '10.0.0.1', port: 9000, zone: 'us-west-2a' }, { address: '::1' }] },
      listenerPorts: [50051],
    });
    try {
      const eps = await h.nextUpdate();
      expect(eps).toEqual([
        { address: '10.0.0.1', port: 9000, zone: 'us-west-2a', health: 'healthy' },
        { address: '::1', port: 50051, health: 'healthy' },
      ]);
    } finally {
      h.stop();
    }
  });

  it('validates with paths under spec.serviceDiscovery.static', () => {
    const issues = validateDiscoveryConfig([staticDiscoveryPlugin], 'static', {
      endpoints: [
        { address: 'not-an-ip', port: 70000 },
        { address: '10.0.0.2', colour: 'red' },
      ],
    });
    expect(issues.map((i) => i.path)).toEqual([
      'spec.serviceDiscovery.static.endpoints[0].address',
      'spec.serviceDiscovery.static.endpoints[0].port',
      'spec.serviceDiscovery.static.endpoints[1].colour',
    ]);
    expect(
      validateDiscoveryConfig([staticDiscoveryPlugin], 'static', { endpoints: [{ address: '10.0.0.3' }] }),
    ).toEqual([]);
  });
});
