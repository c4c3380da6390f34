import {
  CreateTagsCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { checkStaleThenRecovery, startPluginHarness, testVirtualNode } from '@plexus/plugin-api/testing';
import { ec2Throttle, type MotoWithProxy, startMotoWithProxy } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ec2Module, { ec2DiscoveryPlugin, validateEc2Config } from '../src/index.ts';

let aws: MotoWithProxy;
let ec2: EC2Client;
const byName = new Map<string, Instance>();

async function launch(name: string, zone: string, tags: Record<string, string>): Promise<Instance> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      Placement: { AvailabilityZone: zone },
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: Object.entries({ Name: name, ...tags }).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
  );
  const inst = out.Instances?.[0] as Instance;
  byName.set(name, inst);
  return inst;
}

const ipOf = (name: string) => byName.get(name)?.PrivateIpAddress as string;

beforeAll(async () => {
  aws = await startMotoWithProxy();
  ec2 = new EC2Client(aws.clientConfig);
  await Promise.all([
    launch('red-a', 'us-east-1a', { app: 'colorteller', color: 'red' }),
    launch('red-b', 'us-east-1b', { app: 'colorteller', color: 'red' }),
    launch('blue-a', 'us-east-1a', { app: 'colorteller', color: 'blue' }),
    launch('other', 'us-east-1a', { app: 'gateway' }),
    ...Array.from({ length: 6 }, (_, i) => launch(`fleet-${i}`, 'us-east-1c', { app: 'fleet' })),
  ]);
});

afterAll(() => aws?.stop());

describe('ec2 plugin against moto (real SDK)', () => {
  it('selects running instances by tags; port from the listener, zone from placement', async () => {
    const h = startPluginHarness(
      ec2Module,
      { key: 'ec2', config: { tags: { app: 'colorteller', color: 'red' } }, listenerPorts: [9080] },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => [e.address, e.port, e.zone, e.metadata?.instanceId]).sort()).toEqual(
        [
          [ipOf('red-a'), 9080, 'us-east-1a', byName.get('red-a')?.InstanceId],
          [ipOf('red-b'), 9080, 'us-east-1b', byName.get('red-b')?.InstanceId],
        ].sort(),
      );
    } finally {
      h.stop();
    }
  });

  it('combines raw filters with tags, and an explicit port', async () => {
    const h = startPluginHarness(
      ec2Module,
      {
        key: 'ec2',
        config: {
          tags: { app: 'colorteller' },
          filters: [{ name: 'availability-zone', values: ['us-east-1a'] }],
          port: 7000,
        },
      },
      { settings: aws.settings() },
    );
    try {
      const eps = await h.nextUpdate();
      expect(eps.map((e) => `${e.address}:${e.port}`).sort()).toEqual(
        [`${ipOf('blue-a')}:7000`, `${ipOf('red-a')}:7000`].sort(),
      );
    } finally {
      h.stop();
    }
  });

  it('follows pages of DescribeInstances (page size 5, 6 instances)', async () => {
    const h = startPluginHarness(
      ec2Module,
      { key: 'ec2', config: { tags: { app: 'fleet' } } },
      { settings: aws.proxiedSettings({ plugins: { ec2: { pageSize: 5 } } }) },
    );
    try {
      const before = aws.proxy.requests.filter((r) => r.action === 'DescribeInstances').length;
      const eps = await h.nextUpdate();
      expect(eps).toHaveLength(6);
      expect(aws.proxy.requests.filter((r) => r.action === 'DescribeInstances').length - before).toBe(2);
    } finally {
      h.stop();
    }
  });

  it('drops stopped and terminated instances, picks up newly tagged ones', async () => {
    const h = startPluginHarness(
      ec2Module,
      { key: 'ec2', config: { tags: { app: 'colorteller', color: '*' } } },
      { settings: aws.settings() },
    );
    try {
      await h.waitForUpdate((e) => e.length === 3);
      const blue = byName.get('blue-a')?.InstanceId as string;
      await ec2.send(new StopInstancesCommand({ InstanceIds: [blue] }));
      await h.waitForUpdate((e) => e.length === 2 && !e.some((x) => x.address === ipOf('blue-a')));
      const extra = await launch('green-c', 'us-east-1c', { app: 'colorteller' });
      await ec2.send(
        new CreateTagsCommand({
          Resources: [extra.InstanceId as string],
          Tags: [{ Key: 'color', Value: 'green' }],
        }),
      );
      await h.waitForUpdate((e) => e.some((x) => x.address === ipOf('green-c') && x.zone === 'us-east-1c'));
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [extra.InstanceId as string] }));
      await h.waitForUpdate((e) => e.length === 2);
    } finally {
      h.stop();
    }
  });

  it('proxy-injected RequestLimitExceeded: last endpoints stay (stale), recovery resumes updates', () =>
    checkStaleThenRecovery({
      plugin: ec2DiscoveryPlugin,
      settings: aws.proxiedSettings(),
      node: testVirtualNode({
        mesh: 'm',
        name: 'gateway',
        port: 8443,
        protocol: 'http',
        serviceDiscovery: { ec2: { tags: { app: 'gateway' } } },
        file: 'g.yaml',
      }),
      fail: () => aws.proxy.setFault((r) => (r.action === 'DescribeInstances' ? ec2Throttle() : undefined)),
      heal: () => aws.proxy.setFault(() => undefined),
      onFirst: (first) =>
        expect(first.endpoints).toEqual([expect.objectContaining({ address: ipOf('other'), port: 8443 })]),
      whileStale: async (stale, first, m) => {
        expect(stale).toMatchObject({ stale: true, endpoints: first.endpoints });
        expect(m.status()[0].lastError).toMatch(/limit/i);
        await launch('other-2', 'us-east-1b', { app: 'gateway' });
      },
      onRecovered: (sets) => {
        expect(sets[2].stale).toBeUndefined();
        expect(sets[2].endpoints.map((e) => e.address).sort()).toEqual(
          [ipOf('other'), ipOf('other-2')].sort(),
        );
      },
    }));

  it('validates ec2 config', () => {
    expect(validateEc2Config({ tags: { app: 'x' } })).toEqual([]);
    expect(validateEc2Config({ port: 0, filters: [{ name: 'x' }], addressType: 'v6' })).toEqual([
      { path: 'port', message: 'expected an integer port 1..65535' },
      { path: 'addressType', message: 'expected one of private, public, ipv6' },
      { path: 'filters[0].values', message: 'expected a non-empty list of strings' },
    ]);
    expect(validateEc2Config({})[0].message).toContain('set tags or filters');
  });
});
