/** Fakes built in moto through the real AWS SDK, all reporting loopback (127.x) addresses. */
import {
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  EC2Client,
  type Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  ECSClient,
  type NetworkMode,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { DiscoverySettings } from '@plexus/plugin-api';
import type { MotoServer } from '@plexus/testkit';

const AMI = 'ami-12c6146b';

export class AwsFakes {
  readonly ec2: EC2Client;
  readonly ecs: ECSClient;
  readonly cloudMap: ServiceDiscoveryClient;
  private vpcId = '';
  private subnets = new Map<string, string>();

  readonly moto: MotoServer;
  constructor(moto: MotoServer) {
    this.moto = moto;
    const o = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
    this.ec2 = new EC2Client(o);
    this.ecs = new ECSClient(o);
    this.cloudMap = new ServiceDiscoveryClient({ ...o, disableHostPrefix: true });
  }

  /** Daemon discovery settings pointing every AWS plugin at `endpoint` (moto, or a proxy in front of it). */
  settings(endpoint = this.moto.endpoint): DiscoverySettings {
    return {
      aws: { endpoint, region: this.moto.region, credentials: this.moto.credentials, maxAttempts: 1 },
      pollIntervalMs: 200,
    };
  }

  /**
   * A subnet of a 127.1.0.0/16 VPC (moto accepts the CIDR), so that EC2 instances launched in it get
   * loopback private IPs (moto hands them out in order: .4, .5, ...).
   */
  async loopbackSubnet(cidr: string): Promise<string> {
    const known = this.subnets.get(cidr);
    if (known) return known;
    if (!this.vpcId) {
      const vpc = await this.ec2.send(new CreateVpcCommand({ CidrBlock: '127.1.0.0/16' }));
      this.vpcId = vpc.Vpc?.VpcId as string;
    }
    const s = await this.ec2.send(
      new CreateSubnetCommand({ VpcId: this.vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }),
    );
    const id = s.Subnet?.SubnetId as string;
    this.subnets.set(cidr, id);
    return id;
  }

  /** One running EC2 instance in `subnet`, with `tags`. */
  async instance(subnet: string, tags: Record<string, string> = {}): Promise<Instance> {
    const run = await this.ec2.send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1, SubnetId: subnet }),
    );
    const inst = run.Instances?.[0] as Instance;
    if (Object.keys(tags).length > 0) {
      await this.ec2.send(
        new CreateTagsCommand({
          Resources: [inst.InstanceId as string],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    }
    return inst;
  }

  async terminate(instanceId: string): Promise<void> {
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  }

  async cluster(name: string): Promise<void> {
    await this.ecs.send(new CreateClusterCommand({ clusterName: name }));
  }

  /** Registers `inst` as an ECS container instance of `cluster`; returns its ARN. */
  async containerInstance(cluster: string, inst: Instance): Promise<string> {
    const identity = {
      instanceId: inst.InstanceId,
      availabilityZone: inst.Placement?.AvailabilityZone ?? 'us-east-1a',
      privateIp: inst.PrivateIpAddress,
      region: this.moto.region,
      accountId: '123456789012',
      imageId: inst.ImageId,
      instanceType: inst.InstanceType,
    };
    const reg = await this.ecs.send(
      new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: JSON.stringify(identity) }),
    );
    return reg.containerInstance?.containerInstanceArn as string;
  }

  /** A one-container task definition (`app`) mapping `containerPort` (to `hostPort` in bridge mode). */
  async taskDefinition(
    family: string,
    networkMode: NetworkMode,
    containerPort: number,
    hostPort?: number,
  ): Promise<string> {
    const out = await this.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode,
        ...(networkMode === 'awsvpc'
          ? { requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }
          : {}),
        containerDefinitions: [
          {
            name: 'app',
            image: 'example/echo:1',
            cpu: 32,
            memory: 64,
            essential: true,
            portMappings: [{ containerPort, ...(hostPort ? { hostPort } : {}), protocol: 'tcp' }],
          },
        ],
      }),
    );
    return out.taskDefinition?.taskDefinitionArn as string;
  }
}
