import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  ECSClient,
  type NetworkMode,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { type MotoServer, motoClientConfig } from '@plexus/testkit';

/** Builds ECS fixtures in moto through the real SDK. */
export class EcsFixture {
  readonly ecs: ECSClient;
  readonly ec2: EC2Client;
  subnet = { id: '', zone: '' };
  securityGroup = '';

  private constructor(moto: MotoServer) {
    const o = motoClientConfig(moto);
    this.ecs = new ECSClient(o);
    this.ec2 = new EC2Client(o);
  }

  /** Keeps moto's ECS tasks RUNNING, reads the default subnet and security group, and creates `cluster`. */
  static async start(moto: MotoServer, cluster: string): Promise<EcsFixture> {
    // moto advances a task one state per DescribeTasks by default; keep tasks RUNNING unless a test stops them
    await moto.setTransition('ecs::task', { progression: 'manual', times: 1_000_000_000 });
    const fx = new EcsFixture(moto);
    await fx.network();
    await fx.ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    return fx;
  }

  private async network(): Promise<void> {
    const subnets = await this.ec2.send(new DescribeSubnetsCommand({}));
    const s = subnets.Subnets?.find((x) => x.AvailabilityZone === 'us-east-1c') ?? subnets.Subnets?.[0];
    this.subnet = { id: s?.SubnetId as string, zone: s?.AvailabilityZone as string };
    const sgs = await this.ec2.send(new DescribeSecurityGroupsCommand({}));
    this.securityGroup = sgs.SecurityGroups?.[0]?.GroupId as string;
  }

  /** Launches an EC2 instance and registers it as a container instance with its identity document. */
  async containerInstance(cluster: string, zone: string): Promise<{ instance: Instance; arn: string }> {
    const run = await this.ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-12c6146b',
        MinCount: 1,
        MaxCount: 1,
        Placement: { AvailabilityZone: zone },
      }),
    );
    const instance = run.Instances?.[0] as Instance;
    const identity = {
      instanceId: instance.InstanceId,
      availabilityZone: zone,
      privateIp: instance.PrivateIpAddress,
      region: 'us-east-1',
      accountId: '123456789012',
      imageId: instance.ImageId,
      instanceType: instance.InstanceType,
    };
    const reg = await this.ecs.send(
      new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: JSON.stringify(identity) }),
    );
    return { instance, arn: reg.containerInstance?.containerInstanceArn as string };
  }

  async taskDefinition(
    family: string,
    networkMode: NetworkMode,
    containers: Array<{ name: string; ports: Array<{ containerPort: number; hostPort?: number }> }>,
    opts: { fargate?: boolean; cpu?: number; memory?: number } = {},
  ): Promise<string> {
    const out = await this.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode,
        ...(opts.fargate ? { requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' } : {}),
        containerDefinitions: containers.map((c) => ({
          name: c.name,
          image: `example/${c.name}:1`,
          cpu: opts.cpu ?? 32,
          memory: opts.memory ?? 64,
          essential: true,
          portMappings: c.ports.map((p) => ({ ...p, protocol: 'tcp' })),
        })),
      }),
    );
    return out.taskDefinition?.taskDefinitionArn as string;
  }

  async runTasks(
    cluster: string,
    taskDefinition: string,
    count: number,
    opts: { group?: string; launchType?: 'EC2' | 'FARGATE'; awsvpc?: boolean } = {},
  ): Promise<string[]> {
    const out = await this.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition,
        count,
        launchType: opts.launchType ?? 'EC2',
        ...(opts.group ? { group: opts.group } : {}),
        ...(opts.awsvpc
          ? {
              networkConfiguration: {
                awsvpcConfiguration: { subnets: [this.subnet.id], securityGroups: [this.securityGroup] },
              },
            }
          : {}),
      }),
    );
    return (out.tasks ?? []).map((t) => t.taskArn as string);
  }
}
