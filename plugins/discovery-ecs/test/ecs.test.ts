import type { Instance } from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { checkStaleThenRecovery, startPluginHarness, testVirtualNode } from '@plexus/plugin-api/testing';
import { jsonThrottle, type MotoWithProxy, startMotoWithProxy } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ecsModule, { ecsDiscoveryPlugin } from '../src/index.ts';
import { editDescribedTasks } from './describe-tasks-fault.ts';
import { EcsFixture } from './moto-ecs.ts';

let aws: MotoWithProxy;
let fx: EcsFixture;
const hosts: Array<{ instance: Instance; arn: string }> = [];
let bridgeTasks: string[] = [];
let vpcTasks: string[] = [];

const CLUSTER = 'colorapp';

beforeAll(async () => {
  aws = await startMotoWithProxy();
  fx = await EcsFixture.start(aws.moto, CLUSTER);
  hosts.push(await fx.containerInstance(CLUSTER, 'us-east-1a'));
  hosts.push(await fx.containerInstance(CLUSTER, 'us-east-1b'));
  const bridge = await fx.taskDefinition('colorteller-bridge', 'bridge', [
    { name: 'envoy', ports: [{ containerPort: 15000, hostPort: 15000 }] },
    { name: 'app', ports: [{ containerPort: 8080, hostPort: 31000 }] },
  ]);
  await fx.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: 'colorteller',
      taskDefinition: bridge,
      desiredCount: 0,
    }),
  );
  // moto's CreateService starts no tasks: start them as the service would (group service:<name>)
  bridgeTasks = await fx.runTasks(CLUSTER, bridge, 2, { group: 'service:colorteller' });
  const host = await fx.taskDefinition('colorteller-host', 'host', [
    { name: 'app', ports: [{ containerPort: 9090, hostPort: 9090 }] },
  ]);
  await fx.runTasks(CLUSTER, host, 1);
  const vpc = await fx.taskDefinition('colorteller-vpc', 'awsvpc', [
    { name: 'app', ports: [{ containerPort: 8080 }] },
  ]);
  vpcTasks = await fx.runTasks(CLUSTER, vpc, 2, { awsvpc: true });
});

afterAll(() => aws?.stop());

const ipOf = (i: number) => hosts[i].instance.PrivateIpAddress as string;

describe('ecs plugin against moto (real SDK)', () => {
  it('bridge mode service: host port of the container mapping the listener port, on the EC2 private IP', async () => {
    expect(bridgeTasks).toHaveLength(2);
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, service: 'colorteller' }, listenerPorts: [8080] },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => [e.address, e.port, e.zone, e.health]).sort()).toEqual(
        [
          [ipOf(0), 31000, 'us-east-1a', 'healthy'],
          [ipOf(1), 31000, 'us-east-1b', 'healthy'],
        ].sort(),
      );
      expect(
        eps.every((e) => e.metadata?.launchType === 'EC2' && bridgeTasks.includes(e.metadata.taskArn)),
      ).toBe(true);
    } finally {
      h.stop();
    }
  });

  it('host mode family: the EC2 private IP and the host port', async () => {
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, family: 'colorteller-host' }, listenerPorts: [9090] },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps).toHaveLength(1);
      expect([ipOf(0), ipOf(1)]).toContain(eps[0].address);
      expect(eps[0].port).toBe(9090);
    } finally {
      h.stop();
    }
  });

  it('awsvpc mode on EC2: the ENI private IP and the container port, zone of the subnet', async () => {
    const h = startPluginHarness(
      ecsModule,
      {
        key: 'ecs',
        config: { cluster: CLUSTER, family: 'colorteller-vpc', containerName: 'app' },
        listenerPorts: [8080],
      },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps).toHaveLength(2);
      for (const e of eps) {
        expect(e.address).not.toBe(ipOf(0));
        expect(e.address).not.toBe(ipOf(1));
        expect(e.port).toBe(8080);
        expect(e.zone).toBe(fx.subnet.zone);
      }
      expect(eps.map((e) => e.metadata?.taskArn).sort()).toEqual([...vpcTasks].sort());
    } finally {
      h.stop();
    }
  });

  it('tasks on a DRAINING container instance are draining, healthy again once ACTIVE', async () => {
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, service: 'colorteller' }, listenerPorts: [8080] },
      { settings: aws.settings() },
    );
    try {
      await h.waitForUpdate((e) => e.length === 2 && e.every((x) => x.health === 'healthy'));
      await fx.ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster: CLUSTER,
          containerInstances: [hosts[0].arn],
          status: 'DRAINING',
        }),
      );
      const drained = await h.waitForUpdate((e) => e.some((x) => x.health === 'draining'));
      expect(drained.find((x) => x.address === ipOf(0))?.health).toBe('draining');
      expect(drained.find((x) => x.address === ipOf(1))?.health).toBe('healthy');
      await fx.ecs.send(
        new UpdateContainerInstancesStateCommand({
          cluster: CLUSTER,
          containerInstances: [hosts[0].arn],
          status: 'ACTIVE',
        }),
      );
      await h.waitForUpdate((e) => e.length === 2 && e.every((x) => x.health === 'healthy'));
    } finally {
      h.stop();
    }
  });

  it('proxy-injected lastStatus DEACTIVATING / desiredStatus STOPPED (moto keeps tasks RUNNING): draining', async () => {
    const [first, second] = bridgeTasks;
    aws.proxy.setFault(
      editDescribedTasks((t) => {
        if (t.taskArn === first) t.lastStatus = 'DEACTIVATING';
        if (t.taskArn === second) t.desiredStatus = 'STOPPED';
      }),
    );
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, service: 'colorteller' }, listenerPorts: [8080] },
      { settings: aws.proxiedSettings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => e.health)).toEqual(['draining', 'draining']);
    } finally {
      h.stop();
      aws.proxy.setFault(() => undefined);
    }
  });

  it('proxy enforces the 100-task DescribeTasks limit (moto does not): 130 tasks arrive in batches of ≤100', async () => {
    const bulk = await fx.taskDefinition(
      'bulk',
      'awsvpc',
      [{ name: 'app', ports: [{ containerPort: 7000 }] }],
      { cpu: 8, memory: 16 },
    );
    const started = await fx.runTasks(CLUSTER, bulk, 130, { awsvpc: true });
    expect(started).toHaveLength(130);
    const sizes: number[] = [];
    aws.proxy.setFault((r) => {
      if (r.action !== 'DescribeTasks') return undefined;
      const n = (JSON.parse(r.body) as { tasks: string[] }).tasks.length;
      sizes.push(n);
      return n > 100
        ? {
            respond: {
              status: 400,
              body: JSON.stringify({
                __type: 'InvalidParameterException',
                message: 'Tasks cannot be more than 100.',
              }),
              contentType: 'application/x-amz-json-1.1',
            },
          }
        : undefined;
    });
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, family: 'bulk' } },
      { settings: aws.proxiedSettings() },
    );
    try {
      const eps = await h.nextUpdate(60_000);
      expect(eps).toHaveLength(130);
      expect(new Set(eps.map((e) => e.address)).size).toBe(130);
      expect(sizes.slice(0, 2).sort((a, b) => a - b)).toEqual([30, 100]);
      expect(h.errors).toEqual([]);
    } finally {
      h.stop();
      aws.proxy.setFault(() => undefined);
      for (const t of started) await fx.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: t }));
    }
  });

  it('proxy-injected ThrottlingException on ListTasks: endpoints stay (stale) and updates resume; StopTask removes', () =>
    checkStaleThenRecovery({
      plugin: ecsDiscoveryPlugin,
      settings: aws.proxiedSettings(),
      node: testVirtualNode({
        mesh: 'colorapp',
        name: 'colorteller-vpc',
        port: 8080,
        protocol: 'http',
        serviceDiscovery: { ecs: { cluster: CLUSTER, family: 'colorteller-vpc' } },
        file: 'n.yaml',
      }),
      fail: () =>
        aws.proxy.setFault((r) =>
          r.action === 'ListTasks' ? jsonThrottle('ThrottlingException') : undefined,
        ),
      heal: () => aws.proxy.setFault(() => undefined),
      onFirst: (first) => expect(first.endpoints).toHaveLength(2),
      whileStale: async (stale, first) => {
        expect(stale).toMatchObject({ stale: true, source: 'ecs', endpoints: first.endpoints });
        await fx.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: vpcTasks[0] }));
      },
      onRecovered: (sets) => {
        expect(sets[2].stale).toBeUndefined();
        expect(sets[2].endpoints.map((e) => e.metadata?.taskArn)).toEqual([vpcTasks[1]]);
      },
    }));
});
