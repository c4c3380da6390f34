import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { checkStaleThenRecovery, startPluginHarness, testVirtualNode } from '@plexus/plugin-api/testing';
import { jsonThrottle, type MotoWithProxy, startMotoWithProxy } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fargateDiscoveryPlugin,
  fargateDiscoveryModule as fargateModule,
  validateEcsConfig as validateFargateConfig,
} from '../src/index.ts';
import { editDescribedTasks } from './describe-tasks-fault.ts';
import { EcsFixture } from './moto-ecs.ts';

let aws: MotoWithProxy;
let fx: EcsFixture;
let fargateTasks: string[] = [];
let ec2Tasks: string[] = [];
const CLUSTER = 'fargate-cluster';

beforeAll(async () => {
  aws = await startMotoWithProxy();
  fx = await EcsFixture.start(aws.moto, CLUSTER);
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

afterAll(() => aws?.stop());

describe('fargate plugin against moto (real SDK)', () => {
  it('reports FARGATE tasks only: ENI IPs, container port, zone', async () => {
    expect(ec2Tasks).toHaveLength(1);
    const h = startPluginHarness(
      fargateModule,
      { key: 'fargate', config: { cluster: CLUSTER, service: 'colorteller' }, listenerPorts: [8080] },
      { settings: aws.settings() },
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
    aws.proxy.setFault(
      editDescribedTasks((t) => {
        t.availabilityZone = 'us-east-1f';
      }),
    );
    const h = startPluginHarness(
      fargateModule,
      { key: 'fargate', config: { cluster: CLUSTER, family: 'colorteller' }, listenerPorts: [8080] },
      { settings: aws.proxiedSettings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps).toHaveLength(3);
      expect(eps.every((e) => e.zone === 'us-east-1f')).toBe(true);
    } finally {
      h.stop();
      aws.proxy.setFault(() => undefined);
    }
  });

  it('proxy-injected ThrottlingException on DescribeTasks: stale, then recovery', () => {
    let more: string[] = [];
    return checkStaleThenRecovery({
      plugin: fargateDiscoveryPlugin,
      settings: aws.proxiedSettings(),
      node: testVirtualNode({
        mesh: 'm',
        name: 'colorteller',
        port: 8080,
        protocol: 'grpc',
        serviceDiscovery: { fargate: { cluster: CLUSTER, service: 'colorteller' } },
        file: 'n.yaml',
      }),
      fail: () =>
        aws.proxy.setFault((r) =>
          r.action === 'DescribeTasks' ? jsonThrottle('ThrottlingException') : undefined,
        ),
      heal: () => aws.proxy.setFault(() => undefined),
      onFirst: (first) => {
        expect(first).toMatchObject({ source: 'fargate' });
        expect(first.endpoints).toHaveLength(3);
      },
      whileStale: async (stale, first) => {
        expect(stale).toMatchObject({ stale: true, endpoints: first.endpoints });
        more = await fx.runTasks(CLUSTER, 'colorteller', 1, {
          launchType: 'FARGATE',
          awsvpc: true,
          group: 'service:colorteller',
        });
      },
      // a poll whose ListTasks ran before the new task existed may recover with 3 first: wait for the 4th
      recoveredWhen: (sets) => sets.at(-1)?.endpoints.length === 4,
      recoveredWhat: 'recovered set with the new task',
      onRecovered: (sets) => {
        expect(sets.slice(2).every((s) => s.stale === undefined)).toBe(true);
        expect(sets.at(-1)?.endpoints.map((e) => e.metadata?.taskArn)).toContain(more[0]);
      },
    });
  });

  it('validates fargate config like ecs', () => {
    expect(validateFargateConfig({ cluster: 'c', family: 'f' })).toEqual([]);
    expect(validateFargateConfig({ family: 'f' })).toEqual([{ path: 'cluster', message: 'required' }]);
  });
});
