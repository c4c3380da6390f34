import {
  CreateHttpNamespaceCommand,
  CreateServiceCommand,
  DeregisterInstanceCommand,
  ListNamespacesCommand,
  RegisterInstanceCommand,
  ServiceDiscoveryClient,
  UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { mapConcurrent } from '@plexus/plugin-api';
import { checkStaleThenRecovery, startPluginHarness, testVirtualNode } from '@plexus/plugin-api/testing';
import { jsonThrottle, type MotoWithProxy, startMotoWithProxy, waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cloudMapModule, { cloudMapDiscoveryPlugin, validateCloudMapConfig } from '../src/index.ts';

let aws: MotoWithProxy;
let sd: ServiceDiscoveryClient;
let serviceId: string;
let namespaceId: string;

async function register(id: string, attrs: Record<string, string>) {
  await sd.send(new RegisterInstanceCommand({ ServiceId: serviceId, InstanceId: id, Attributes: attrs }));
}

beforeAll(async () => {
  aws = await startMotoWithProxy();
  sd = new ServiceDiscoveryClient(aws.clientConfig);
  await sd.send(new CreateHttpNamespaceCommand({ Name: 'colorapp.local' }));
  const ns = await sd.send(new ListNamespacesCommand({}));
  const nsId = ns.Namespaces?.find((n) => n.Name === 'colorapp.local')?.Id;
  namespaceId = nsId as string;
  const svc = await sd.send(
    new CreateServiceCommand({
      Name: 'colorteller',
      NamespaceId: nsId,
      HealthCheckCustomConfig: { FailureThreshold: 1 },
    }),
  );
  serviceId = svc.Service?.Id as string;
  await register('red-1', {
    AWS_INSTANCE_IPV4: '10.0.0.1',
    AWS_INSTANCE_PORT: '9080',
    AVAILABILITY_ZONE: 'us-east-1a',
    version: 'v1',
  });
  await register('red-2', { AWS_INSTANCE_IPV4: '10.0.0.2', AWS_INSTANCE_IPV6: 'fd00::2', version: 'v2' });
  await register('red-3', { AWS_INSTANCE_IPV6: 'fd00::3', AWS_INSTANCE_PORT: '9082', version: 'v2' });
});

afterAll(() => aws?.stop());

const base = { namespaceName: 'colorapp.local', serviceName: 'colorteller' };

describe('cloudmap plugin against moto (real SDK)', () => {
  it('discovers instances: IPv4 preferred by default, port from AWS_INSTANCE_PORT else the listener, zone', async () => {
    const h = startPluginHarness(
      cloudMapModule,
      { key: 'awsCloudMap', config: base, listenerPorts: [8080] },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => [e.address, e.port, e.zone, e.health]).sort()).toEqual([
        ['10.0.0.1', 9080, 'us-east-1a', 'healthy'],
        ['10.0.0.2', 8080, undefined, 'healthy'],
        ['fd00::3', 9082, undefined, 'healthy'],
      ]);
      expect(eps.find((e) => e.address === '10.0.0.1')?.metadata).toEqual({
        cloudMapInstanceId: 'red-1',
        version: 'v1',
      });
    } finally {
      h.stop();
    }
  });

  it('filters by attributes and honours ipPreference IPv6_ONLY', async () => {
    const h = startPluginHarness(
      cloudMapModule,
      {
        key: 'awsCloudMap',
        config: { ...base, attributes: [{ key: 'version', value: 'v2' }], ipPreference: 'IPv6_ONLY' },
      },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => e.address).sort()).toEqual(['fd00::2', 'fd00::3']);
    } finally {
      h.stop();
    }
  });

  it('follows registrations, deregistrations and custom health status', async () => {
    const h = startPluginHarness(
      cloudMapModule,
      { key: 'awsCloudMap', config: { ...base, attributes: [{ key: 'version', value: 'v1' }] } },
      { settings: aws.settings() },
    );
    try {
      await h.waitForUpdate((e) => e.length === 1);
      await register('red-4', { AWS_INSTANCE_IPV4: '10.0.0.4', AWS_INSTANCE_PORT: '9084', version: 'v1' });
      await h.waitForUpdate((e) => e.some((x) => x.address === '10.0.0.4'));
      await sd.send(
        new UpdateInstanceCustomHealthStatusCommand({
          ServiceId: serviceId,
          InstanceId: 'red-1',
          Status: 'UNHEALTHY',
        }),
      );
      const unhealthy = await h.waitForUpdate(
        (e) => e.find((x) => x.address === '10.0.0.1')?.health === 'unhealthy',
      );
      expect(unhealthy.find((x) => x.address === '10.0.0.4')?.health).toBe('healthy');
      await sd.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: 'red-4' }));
      await h.waitForUpdate((e) => !e.some((x) => x.address === '10.0.0.4'));
    } finally {
      h.stop();
      await sd.send(
        new UpdateInstanceCustomHealthStatusCommand({
          ServiceId: serviceId,
          InstanceId: 'red-1',
          Status: 'HEALTHY',
        }),
      );
    }
  });

  it('reports API errors (unknown service) through sink.error', async () => {
    const h = startPluginHarness(
      cloudMapModule,
      { key: 'awsCloudMap', config: { ...base, serviceName: 'nope' } },
      { settings: aws.settings() },
    );
    try {
      const err = await h.nextError();
      expect(err.name).toBe('ServiceNotFound');
    } finally {
      h.stop();
    }
  });

  it('proxy-injected ThrottlingException: the manager keeps the last endpoints stale, then recovers', () =>
    checkStaleThenRecovery({
      plugin: cloudMapDiscoveryPlugin,
      settings: aws.proxiedSettings(),
      node: testVirtualNode({
        mesh: 'colorapp',
        name: 'colorteller-v2',
        port: 8080,
        protocol: 'http',
        serviceDiscovery: { awsCloudMap: { ...base, attributes: [{ key: 'version', value: 'v2' }] } },
        file: 'x.yaml',
      }),
      fail: () =>
        aws.proxy.setFault((r) =>
          r.action === 'DiscoverInstances' ? jsonThrottle('ThrottlingException') : undefined,
        ),
      heal: () => aws.proxy.setFault(() => undefined),
      onFirst: (first) => expect(first.endpoints.map((e) => e.address)).toEqual(['10.0.0.2', 'fd00::3']),
      whileStale: async (stale, first, m) => {
        expect(stale).toMatchObject({ stale: true, endpoints: first.endpoints });
        const throttled = aws.proxy.requests.length;
        await waitFor(() => aws.proxy.requests.length >= throttled + 3, { what: 'retries while throttled' });
        expect(m.status()[0].failures).toBeGreaterThanOrEqual(1);
        await register('red-5', { AWS_INSTANCE_IPV4: '10.0.0.5', version: 'v2' });
      },
      onRecovered: (sets) => {
        expect(sets[2].stale).toBeUndefined();
        expect(sets[2].endpoints.map((e) => e.address)).toEqual(['10.0.0.2', '10.0.0.5', 'fd00::3']);
      },
    }));

  it('past the 1,000-instance DiscoverInstances cap: every instance, attributes and health still applied', async () => {
    const svc = await sd.send(
      new CreateServiceCommand({
        Name: 'crowd',
        NamespaceId: namespaceId,
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    const crowdId = svc.Service?.Id as string;
    const ids = Array.from({ length: 1_050 }, (_, i) => i);
    await mapConcurrent(ids, 8, (i) =>
      sd.send(
        new RegisterInstanceCommand({
          ServiceId: crowdId,
          InstanceId: `c-${i}`,
          Attributes: {
            AWS_INSTANCE_IPV4: `10.9.${i >> 8}.${i & 255}`,
            AWS_INSTANCE_PORT: '8080',
            tier: i % 2 === 0 ? 'even' : 'odd',
          },
        }),
      ),
    );
    await sd.send(
      new UpdateInstanceCustomHealthStatusCommand({
        ServiceId: crowdId,
        InstanceId: 'c-1049',
        Status: 'UNHEALTHY',
      }),
    );
    const before = aws.proxy.requests.length;
    const all = startPluginHarness(
      cloudMapModule,
      { key: 'awsCloudMap', config: { namespaceName: 'colorapp.local', serviceName: 'crowd' } },
      { settings: aws.proxiedSettings() },
    );
    try {
      const eps = await all.nextUpdate(60_000);
      expect(eps).toHaveLength(1_050);
      expect(new Set(eps.map((e) => e.address)).size).toBe(1_050);
      expect(eps.find((e) => e.address === '10.9.4.25')?.health).toBe('unhealthy');
      expect(eps.filter((e) => e.health === 'unhealthy')).toHaveLength(1);
      const actions = new Set(aws.proxy.requests.slice(before).map((r) => r.action));
      expect([...actions].sort()).toEqual(
        [
          'DiscoverInstances',
          'GetInstancesHealthStatus',
          'ListInstances',
          'ListNamespaces',
          'ListServices',
        ].sort(),
      );
    } finally {
      all.stop();
    }
    // 525 odd instances: under the cap, answered by DiscoverInstances alone.
    const odd = startPluginHarness(
      cloudMapModule,
      {
        key: 'awsCloudMap',
        config: {
          namespaceName: 'colorapp.local',
          serviceName: 'crowd',
          attributes: [{ key: 'tier', value: 'odd' }],
        },
      },
      { settings: aws.settings() },
    );
    try {
      expect(await odd.nextUpdate(60_000)).toHaveLength(525);
    } finally {
      odd.stop();
    }
  }, 120_000);

  it('one logical call makes at most the configured attempts (the SDK retries, nothing else)', async () => {
    for (const n of [1, 2]) {
      const settings = aws.proxiedSettings();
      settings.aws.maxAttempts = n;
      const discovers = () => aws.proxy.requests.filter((r) => r.action === 'DiscoverInstances').length;
      aws.proxy.setFault((r) =>
        r.action === 'DiscoverInstances' ? jsonThrottle('ThrottlingException') : undefined,
      );
      const before = discovers();
      const h = startPluginHarness(cloudMapModule, { key: 'awsCloudMap', config: base }, { settings });
      try {
        expect((await h.nextError(30_000)).name).toBe('ThrottlingException');
        expect(discovers() - before).toBe(n);
      } finally {
        h.stop();
        aws.proxy.setFault(() => undefined);
      }
    }
  });

  it('validates awsCloudMap config', () => {
    expect(validateCloudMapConfig({ namespaceName: 'n', serviceName: 's' })).toEqual([]);
    expect(
      validateCloudMapConfig({ namespaceName: 'n', ipPreference: 'IPv5', attributes: [{ key: 'k' }] }),
    ).toEqual([
      { path: 'serviceName', message: 'required' },
      {
        path: 'ipPreference',
        message: 'expected one of IPv4_ONLY, IPv4_PREFERRED, IPv6_ONLY, IPv6_PREFERRED',
      },
      { path: 'attributes[0].value', message: 'required' },
    ]);
  });
});
