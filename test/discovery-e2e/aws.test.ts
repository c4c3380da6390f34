/**
 * The AWS discovery plugins end to end, against one moto server: the fake changes (instance/task added,
 * drained, removed) reach a real grpc-js-xds client through the daemon, and RPCs land on the new set.
 */
import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateHttpNamespaceCommand,
  CreateServiceCommand,
  DeregisterInstanceCommand,
  ListNamespacesCommand,
  RegisterInstanceCommand,
  UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { type FaultProxy, freePort, type MotoServer, startFaultProxy, startMoto } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsFakes } from './aws-fixtures.ts';
import {
  type EchoClient,
  type EchoServer,
  expectEndpoints,
  isLoopback,
  type MeshRun,
  startEcho,
  startMeshRun,
  xdsClient,
} from './harness.ts';

let moto: MotoServer;
let aws: AwsFakes;

beforeAll(async () => {
  moto = await startMoto();
  // moto advances a task one state per DescribeTasks by default: keep tasks RUNNING until a test stops them
  await moto.setTransition('ecs::task', { progression: 'manual', times: 1_000_000_000 });
  aws = new AwsFakes(moto);
});

afterAll(async () => {
  await moto?.stop();
});

/** Per-plugin run state, stopped by the describe's afterAll. */
function scenario() {
  const s = {
    servers: [] as EchoServer[],
    run: undefined as MeshRun | undefined,
    client: undefined as EchoClient | undefined,
    async stop() {
      s.client?.close();
      await s.run?.stop();
      for (const x of s.servers) x.stop();
    },
  };
  return s;
}

const ids = (list: EchoServer[]) => list.map((s) => s.id);
const line = (s: EchoServer, health = 'healthy') => `${s.id} ${health}`;

describe('awsCloudMap discovery end to end (moto Cloud Map, instances at AWS_INSTANCE_IPV4=127.0.1.x)', () => {
  const sc = scenario();
  let serviceId = '';
  const register = (id: string, s: EchoServer) =>
    aws.cloudMap.send(
      new RegisterInstanceCommand({
        ServiceId: serviceId,
        InstanceId: id,
        Attributes: { AWS_INSTANCE_IPV4: s.host, AWS_INSTANCE_PORT: String(s.port) },
      }),
    );

  beforeAll(async () => {
    await aws.cloudMap.send(new CreateHttpNamespaceCommand({ Name: 'disco.local' }));
    const ns = await aws.cloudMap.send(new ListNamespacesCommand({}));
    const namespaceId = ns.Namespaces?.find((n) => n.Name === 'disco.local')?.Id as string;
    const svc = await aws.cloudMap.send(
      new CreateServiceCommand({
        Name: 'echo',
        NamespaceId: namespaceId,
        HealthCheckCustomConfig: { FailureThreshold: 1 },
      }),
    );
    serviceId = svc.Service?.Id as string;
    for (const host of ['127.0.1.1', '127.0.1.2', '127.0.1.3']) sc.servers.push(await startEcho(host));
    const [a, b] = sc.servers as [EchoServer, EchoServer];
    await register('a', a);
    await register('b', b);
    sc.run = await startMeshRun(
      { awsCloudMap: { namespaceName: 'disco.local', serviceName: 'echo' } },
      a.port,
      aws.settings(),
    );
    await expectEndpoints(sc.run, [line(a), line(b)], 'registered instances');
    sc.client = xdsClient(sc.run.daemon.xdsPort);
  });
  afterAll(() => sc.stop());

  it('RPCs reach the registered instances; a new instance, then an UNHEALTHY one, then a deregistered one reach the client', async () => {
    const [a, b, c] = sc.servers as [EchoServer, EchoServer, EchoServer];
    const run = sc.run as MeshRun;
    const client = sc.client as EchoClient;
    await client.settlesOn(ids([a, b]), 'registered');

    await register('c', c);
    await expectEndpoints(run, [line(a), line(b), line(c)], 'added');
    await client.settlesOn(ids([a, b, c]), 'added');

    // Cloud Map has no "draining": an instance failing its health check is what takes it out of rotation.
    await aws.cloudMap.send(
      new UpdateInstanceCustomHealthStatusCommand({
        ServiceId: serviceId,
        InstanceId: 'a',
        Status: 'UNHEALTHY',
      }),
    );
    await expectEndpoints(run, [line(a, 'unhealthy'), line(b), line(c)], 'unhealthy');
    await client.settlesOn(ids([b, c]), 'unhealthy');

    await aws.cloudMap.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: 'a' }));
    await expectEndpoints(run, [line(b), line(c)], 'deregistered');
    a.stop();
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(ids([b, c]).sort());
  });
});

describe('ec2 discovery end to end (moto EC2 instances in a 127.1.2.0/24 subnet)', () => {
  const sc = scenario();
  const TAGS = { app: 'echo-ec2' };
  let port = 0;
  const instanceIds = new Map<string, string>();
  const launch = async (subnet: string) => {
    const inst = await aws.instance(subnet, TAGS);
    const ip = inst.PrivateIpAddress as string;
    expect(isLoopback(ip)).toBe(true);
    const s = await startEcho(ip, port);
    instanceIds.set(s.id, inst.InstanceId as string);
    sc.servers.push(s);
    return s;
  };

  beforeAll(async () => {
    port = await freePort();
    const subnet = await aws.loopbackSubnet('127.1.2.0/24');
    await launch(subnet);
    await launch(subnet);
    sc.run = await startMeshRun({ ec2: { tags: TAGS, port } }, port, aws.settings());
    await expectEndpoints(
      sc.run,
      sc.servers.map((s) => line(s)),
      'running instances',
    );
    sc.client = xdsClient(sc.run.daemon.xdsPort);
  });
  afterAll(() => sc.stop());

  it('RPCs reach the tagged running instances; a launched one joins, a terminated one leaves', async () => {
    const run = sc.run as MeshRun;
    const client = sc.client as EchoClient;
    const [a, b] = sc.servers as [EchoServer, EchoServer];
    await client.settlesOn(ids([a, b]), 'running');

    const c = await launch(await aws.loopbackSubnet('127.1.2.0/24'));
    await expectEndpoints(run, [line(a), line(b), line(c)], 'launched');
    await client.settlesOn(ids([a, b, c]), 'launched');

    // EC2 has no draining state the plugin could report: an instance leaves the set once it is not running.
    await aws.terminate(instanceIds.get(a.id) as string);
    await expectEndpoints(run, [line(b), line(c)], 'terminated');
    await client.settlesOn(ids([b, c]), 'terminated');
    a.stop();
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(ids([b, c]).sort());
  });
});

describe('ecs discovery end to end (moto ECS bridge-mode tasks on container instances in 127.1.1.0/24)', () => {
  const sc = scenario();
  const CLUSTER = 'echo-ecs';
  const CONTAINER_PORT = 8080;
  let hostPort = 0;
  let taskDef = '';
  const hosts = new Map<string, { arn: string; task: string }>();
  /** A new EC2 host registered as a container instance, one task started on it, a gRPC server at its IP. */
  const addHost = async () => {
    const inst = await aws.instance(await aws.loopbackSubnet('127.1.1.0/24'));
    const ip = inst.PrivateIpAddress as string;
    expect(isLoopback(ip)).toBe(true);
    const arn = await aws.containerInstance(CLUSTER, inst);
    const started = await aws.ecs.send(
      new StartTaskCommand({ cluster: CLUSTER, taskDefinition: taskDef, containerInstances: [arn] }),
    );
    const s = await startEcho(ip, hostPort);
    hosts.set(s.id, { arn, task: started.tasks?.[0]?.taskArn as string });
    sc.servers.push(s);
    return s;
  };

  beforeAll(async () => {
    hostPort = await freePort();
    await aws.cluster(CLUSTER);
    taskDef = await aws.taskDefinition('echo-ecs', 'bridge', CONTAINER_PORT, hostPort);
    await addHost();
    await addHost();
    sc.run = await startMeshRun(
      { ecs: { cluster: CLUSTER, family: 'echo-ecs' } },
      CONTAINER_PORT,
      aws.settings(),
    );
    await expectEndpoints(
      sc.run,
      sc.servers.map((s) => line(s)),
      'running tasks',
    );
    sc.client = xdsClient(sc.run.daemon.xdsPort);
  });
  afterAll(() => sc.stop());

  it('RPCs reach the tasks (host IP, host port); a new task joins, a DRAINING instance gets no new RPCs, a stopped task leaves', async () => {
    const run = sc.run as MeshRun;
    const client = sc.client as EchoClient;
    const [a, b] = sc.servers as [EchoServer, EchoServer];
    await client.settlesOn(ids([a, b]), 'running');

    const c = await addHost();
    await expectEndpoints(run, [line(a), line(b), line(c)], 'added');
    await client.settlesOn(ids([a, b, c]), 'added');

    await aws.ecs.send(
      new UpdateContainerInstancesStateCommand({
        cluster: CLUSTER,
        containerInstances: [hosts.get(a.id)?.arn as string],
        status: 'DRAINING',
      }),
    );
    await expectEndpoints(run, [line(a, 'draining'), line(b), line(c)], 'draining');
    await client.settlesOn(ids([b, c]), 'draining');

    await aws.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: hosts.get(a.id)?.task as string }));
    await expectEndpoints(run, [line(b), line(c)], 'stopped');
    a.stop();
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(ids([b, c]).sort());
  });
});

describe('fargate discovery end to end (moto gives awsvpc tasks 10.x ENI IPs: the fault proxy rewrites them to 127.x)', () => {
  const sc = scenario();
  const CLUSTER = 'echo-fargate';
  let proxy: FaultProxy;
  let port = 0;
  let taskDef = '';
  let network = { subnet: '', securityGroup: '' };
  const tasks = new Map<string, string>();
  const draining = new Set<string>();
  /** moto's random 10.a.b.c ENI address → 127.a.b.c (same /8 offset, so the mapping is one to one). */
  const loopbackOf = (ip: string) => ip.replace(/^10\./, '127.');

  const runTask = async () => {
    const out = await aws.ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: taskDef,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [network.subnet], securityGroups: [network.securityGroup] },
        },
      }),
    );
    const arn = out.tasks?.[0]?.taskArn as string;
    const described = await aws.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }));
    const ip = described.tasks?.[0]?.attachments
      ?.flatMap((a) => a.details ?? [])
      .find((d) => d.name === 'privateIPv4Address')?.value as string;
    expect(ip).toMatch(/^10\./);
    const s = await startEcho(loopbackOf(ip), port);
    tasks.set(s.id, arn);
    sc.servers.push(s);
    return s;
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(moto.endpoint);
    proxy.setFault((req) =>
      req.action === 'DescribeTasks'
        ? {
            rewrite: (body) => {
              const doc = JSON.parse(body) as { tasks?: Array<{ taskArn: string; desiredStatus: string }> };
              // moto stops a task at once (STOPPED): show a task being drained as ECS does, desired STOPPED first
              for (const t of doc.tasks ?? []) if (draining.has(t.taskArn)) t.desiredStatus = 'STOPPED';
              return JSON.stringify(doc).replace(/"10\.(\d+)\.(\d+)\.(\d+)"/g, '"127.$1.$2.$3"');
            },
          }
        : undefined,
    );
    port = await freePort();
    const subnets = await aws.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }),
    );
    const sgs = await aws.ec2.send(new DescribeSecurityGroupsCommand({}));
    network = {
      subnet: subnets.Subnets?.[0]?.SubnetId as string,
      securityGroup: sgs.SecurityGroups?.[0]?.GroupId as string,
    };
    await aws.cluster(CLUSTER);
    // moto's RunTask wants a container instance in the cluster even for FARGATE tasks
    await aws.containerInstance(CLUSTER, await aws.instance(await aws.loopbackSubnet('127.1.3.0/24')));
    taskDef = await aws.taskDefinition('echo-fargate', 'awsvpc', port);
    await runTask();
    await runTask();
    sc.run = await startMeshRun(
      { fargate: { cluster: CLUSTER, family: 'echo-fargate' } },
      port,
      aws.settings(proxy.endpoint),
    );
    await expectEndpoints(
      sc.run,
      sc.servers.map((s) => line(s)),
      'running tasks',
    );
    sc.client = xdsClient(sc.run.daemon.xdsPort);
  });
  afterAll(async () => {
    await sc.stop();
    await proxy?.stop();
  });

  it('RPCs reach the tasks (ENI IP, container port); a new task joins, a stopping task gets no new RPCs, a stopped one leaves', async () => {
    const run = sc.run as MeshRun;
    const client = sc.client as EchoClient;
    const [a, b] = sc.servers as [EchoServer, EchoServer];
    await client.settlesOn(ids([a, b]), 'running');

    const c = await runTask();
    await expectEndpoints(run, [line(a), line(b), line(c)], 'added');
    await client.settlesOn(ids([a, b, c]), 'added');

    draining.add(tasks.get(a.id) as string);
    await expectEndpoints(run, [line(a, 'draining'), line(b), line(c)], 'draining');
    await client.settlesOn(ids([b, c]), 'draining');

    await aws.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: tasks.get(a.id) as string }));
    await expectEndpoints(run, [line(b), line(c)], 'stopped');
    a.stop();
    const counts = await client.tally(60);
    expect(Object.keys(counts).sort()).toEqual(ids([b, c]).sort());
  });
});
