import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { DiscoveryManager, type DiscoverySettings, type EndpointSet } from '@plexus/plugin-api';
import { startPluginHarness } from '@plexus/plugin-api/testing';
import type { SpecResource } from '@plexus/spec';
import {
  type FaultProxy,
  jsonThrottle,
  type MotoServer,
  startFaultProxy,
  startMoto,
  waitFor,
} from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The moto fixture builder is shared with the ecs plugin's tests.
import { EcsFixture } from '../../discovery-ecs/test/moto-ecs.ts';
import fargateModule, { fargateDiscoveryPlugin, validateFargateConfig } from '../src/index.ts';

let moto: MotoServer;
let proxy: FaultProxy;
let fx: EcsFixture;
let fargateTasks: string[] = [];
let ec2Tasks: string[] = [];
const CLUSTER = 'fargate-cluster';

function settingsFor(endpoint: string): DiscoverySettings {
  return {
    aws: { endpoint, region: moto.region, credentials: moto.credentials, maxAttempts: 1 },
    pollIntervalMs: 100,
  };
}

beforeAll(async () => {
  moto = await startMoto();
  await moto.setTransition('ecs::task', { progression: 'manual', times: 1_000_000_000 });
  proxy = await startFaultProxy(moto.endpoint);
  fx = new EcsFixture(moto);
  await fx.network();
  await fx.cluster(CLUSTER);
  await fx.containerInstance(CLUSTER, 'us-east-1a');
  const def = await fx.taskDefinition(
    'colorteller',
    'awsvpc',
    [{ name: 'app', ports: [{ containerPort: 8080 }] }],
    { fargate: true },
  );
  fargateTasks = await fx.runTasks(CLUSTER, def, 3, {
    launchType: 'FARGATE',
    awsvpc: true,
    group: 'service:colorteller',
  });
  // the same family on EC2: the fargate plugin must not report it
  ec2Tasks = await fx.runTasks(CLUSTER, def, 1, {
    launchType: 'EC2',
    awsvpc: true,
    group: 'service:colorteller',
  });
});

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
});

describe('fargate plugin against moto (real SDK)', () => {
  it('reports FARGATE tasks only: ENI IPs, container port, zone', async () => {
    expect(ec2Tasks).toHaveLength(1);
    const h = startPluginHarness(
      fargateModule,
      { key: 'fargate', config: { cluster: CLUSTER, service: 'colorteller' }, listenerPorts: [8080] },
      { settings: settingsFor(moto.endpoint) },
    );
    try {
      const eps = await h.nextUpdate();
      const described = await fx.ecs.send(
        new DescribeTasksCommand({ cluster: CLUSTER, tasks: fargateTasks }),
      );
      const eniIps = described.tasks?.map(
        (t) => t.attachments?.[0]?.details?.find((d) => d.name === 'privateIPv4Address')?.value,
      );
      expect(eps.map((e) => e.address).sort()).toEqual([...(eniIps as string[])].sort());
      expect(
        eps.every(
          (e) => e.port === 8080 && e.zone === fx.subnet.zone && e.metadata?.launchType === 'FARGATE',
        ),
      ).toBe(true);
    } finally {
      h.stop();
    }
  });

  it('proxy-injected availabilityZone wins over the subnet zone', async () => {
    proxy.setFault((r) =>
      r.action === 'DescribeTasks'
        ? {
            rewrite: (body) => {
              const doc = JSON.parse(body) as { tasks: Array<Record<string, unknown>> };
              for (const t of doc.tasks) t.availabilityZone = 'us-east-1f';
              return JSON.stringify(doc);
            },
          }
        : undefined,
    );
    const h = startPluginHarness(
      fargateModule,
      { key: 'fargate', config: { cluster: CLUSTER, family: 'colorteller' }, listenerPorts: [8080] },
      { settings: settingsFor(proxy.endpoint) },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps).toHaveLength(3);
      expect(eps.every((e) => e.zone === 'us-east-1f')).toBe(true);
    } finally {
      h.stop();
      proxy.setFault(() => undefined);
    }
  });

  it('proxy-injected ThrottlingException on DescribeTasks: stale, then recovery', async () => {
    const m = new DiscoveryManager({
      plugins: [fargateDiscoveryPlugin],
      settings: settingsFor(proxy.endpoint),
      debounceMs: 10,
      retry: { baseMs: 50, maxMs: 200 },
    });
    const sets: EndpointSet[] = [];
    m.onChange((changed) => sets.push(...changed));
    const node: SpecResource = {
      kind: 'VirtualNode',
      mesh: 'm',
      name: 'colorteller',
      spec: {
        listeners: [{ portMapping: { port: 8080, protocol: 'grpc' } }],
        serviceDiscovery: { fargate: { cluster: CLUSTER, service: 'colorteller' } },
      },
      format: 'native',
      position: { file: 'n.yaml', line: 1, col: 1 },
      positionOf: () => ({ file: 'n.yaml', line: 1, col: 1 }),
    };
    try {
      m.setResources([node]);
      await waitFor(() => sets.length === 1, { what: 'first set' });
      expect(sets[0]).toMatchObject({ source: 'fargate' });
      expect(sets[0].endpoints).toHaveLength(3);
      proxy.setFault((r) => (r.action === 'DescribeTasks' ? jsonThrottle('ThrottlingException') : undefined));
      await waitFor(() => sets.length === 2, { what: 'stale set' });
      expect(sets[1]).toMatchObject({ stale: true, endpoints: sets[0].endpoints });
      const more = await fx.runTasks(CLUSTER, 'colorteller', 1, {
        launchType: 'FARGATE',
        awsvpc: true,
        group: 'service:colorteller',
      });
      proxy.setFault(() => undefined);
      // a poll whose ListTasks ran before the new task existed may recover with 3 first: wait for the 4th
      await waitFor(() => sets.at(-1)?.endpoints.length === 4, { what: 'recovered set with the new task' });
      expect(sets.slice(2).every((s) => s.stale === undefined)).toBe(true);
      expect(sets.at(-1)?.endpoints.map((e) => e.metadata?.taskArn)).toContain(more[0]);
    } finally {
      m.close();
      proxy.setFault(() => undefined);
    }
  });

  it('validates fargate config like ecs', () => {
    expect(validateFargateConfig({ cluster: 'c', family: 'f' })).toEqual([]);
    expect(validateFargateConfig({ family: 'f' })).toEqual([{ path: 'cluster', message: 'required' }]);
  });
});
