import { DescribeInstancesCommand, DescribeSubnetsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  type ContainerInstance,
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DesiredStatus,
  type ECSClient,
  ListTasksCommand,
  type Task,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { chunk, mapConcurrent } from '@plexus/plugin-api';
import type { EcsConfig } from './config.ts';
import { LruMap } from './lru.ts';
import type { EcsSnapshot } from './tasks.ts';

/** DescribeTasks and DescribeContainerInstances accept at most 100 ids per call. */
export const ECS_DESCRIBE_BATCH = 100;

/** Which launch types a plugin serves. */
export type LaunchTypeFilter = 'ec2' | 'fargate';

/** Entries each lookup of `EcsCache` keeps unless `settings.plugins.<name>.cacheEntries` says otherwise. */
export const DEFAULT_ECS_CACHE_ENTRIES = 2_000;

/**
 * Lookups that never change for the life of the thing looked up (a task definition revision, an EC2 host, a
 * subnet); shared by all watches of one plugin. Each is an LRU of `limit` entries: revisions and hosts come
 * and go for the life of the daemon. A poll copies what it uses into its snapshot, so eviction during a poll
 * costs a lookup, never a missing endpoint.
 */
export class EcsCache {
  readonly taskDefinitions: LruMap<string, TaskDefinition>;
  readonly hosts: LruMap<string, { privateIp?: string; zone?: string }>;
  readonly subnetZones: LruMap<string, string>;

  constructor(limit = DEFAULT_ECS_CACHE_ENTRIES) {
    this.taskDefinitions = new LruMap(limit);
    this.hosts = new LruMap(limit);
    this.subnetZones = new LruMap(limit);
  }
}

export interface FetchOptions {
  signal: AbortSignal;
  /** Parallel describe calls at most. Default 4. */
  concurrency?: number;
}

export function isFargateTask(t: Task): boolean {
  return t.launchType === 'FARGATE' || (t.capacityProviderName ?? '').startsWith('FARGATE');
}

/**
 * One consistent view of the tasks a config selects: ListTasks (RUNNING and STOPPED desired status, so that
 * tasks being stopped still show as draining), DescribeTasks in batches of ≤100, task definitions (cached),
 * container instances and their EC2 hosts (cached), subnet zones (cached). Retries are the SDK's
 * (`settings.aws.maxAttempts`); an error that survives them rejects.
 */
export async function loadEcsSnapshot(
  api: { ecs: ECSClient; ec2: EC2Client },
  cache: EcsCache,
  config: EcsConfig,
  launchTypes: LaunchTypeFilter,
  opts: FetchOptions,
): Promise<EcsSnapshot> {
  const { signal } = opts;
  const concurrency = opts.concurrency ?? 4;
  const cluster = config.cluster;

  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as DesiredStatus[]) {
    let nextToken: string | undefined;
    do {
      const page = await api.ecs.send(
        new ListTasksCommand({
          cluster,
          desiredStatus,
          ...(config.service ? { serviceName: config.service } : { family: config.family }),
          nextToken,
        }),
        { abortSignal: signal },
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }

  const described = await mapConcurrent(chunk([...new Set(arns)], ECS_DESCRIBE_BATCH), concurrency, (batch) =>
    api.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal: signal }),
  );
  const tasks = described
    .flatMap((d) => d.tasks ?? [])
    .filter((t) => (launchTypes === 'fargate' ? isFargateTask(t) : !isFargateTask(t)))
    .filter((t) => !config.service || t.group === `service:${config.service}`);

  const taskDefinitions = new Map<string, TaskDefinition>();
  const missingDefs: string[] = [];
  for (const arn of new Set(tasks.map((t) => t.taskDefinitionArn))) {
    if (!arn) continue;
    const known = cache.taskDefinitions.get(arn);
    if (known) taskDefinitions.set(arn, known);
    else missingDefs.push(arn);
  }
  await mapConcurrent(missingDefs, concurrency, async (taskDefinition) => {
    const out = await api.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), {
      abortSignal: signal,
    });
    if (!out.taskDefinition) return;
    cache.taskDefinitions.set(taskDefinition, out.taskDefinition);
    taskDefinitions.set(taskDefinition, out.taskDefinition);
  });

  const containerInstances = new Map<string, ContainerInstance>();
  const ciArns = [...new Set(tasks.map((t) => t.containerInstanceArn))].filter((a): a is string => !!a);
  const ciPages = await mapConcurrent(chunk(ciArns, ECS_DESCRIBE_BATCH), concurrency, (batch) =>
    api.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }), {
      abortSignal: signal,
    }),
  );
  for (const ci of ciPages.flatMap((p) => p.containerInstances ?? [])) {
    if (ci.containerInstanceArn) containerInstances.set(ci.containerInstanceArn, ci);
  }

  const hosts = new Map<string, { privateIp?: string; zone?: string }>();
  const missingHosts: string[] = [];
  for (const id of new Set([...containerInstances.values()].map((ci) => ci.ec2InstanceId))) {
    if (!id) continue;
    const known = cache.hosts.get(id);
    if (known) hosts.set(id, known);
    else missingHosts.push(id);
  }
  const hostPages = await mapConcurrent(chunk(missingHosts, ECS_DESCRIBE_BATCH), concurrency, (InstanceIds) =>
    api.ec2.send(new DescribeInstancesCommand({ InstanceIds }), { abortSignal: signal }),
  );
  for (const i of hostPages.flatMap((p) => p.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    if (!i.InstanceId) continue;
    const host = { privateIp: i.PrivateIpAddress, zone: i.Placement?.AvailabilityZone };
    cache.hosts.set(i.InstanceId, host);
    hosts.set(i.InstanceId, host);
  }

  const subnetZones = new Map<string, string>();
  const missingSubnets: string[] = [];
  const subnetIds = tasks
    .filter((t) => !t.availabilityZone)
    .flatMap((t) => t.attachments ?? [])
    .flatMap((a) => a.details ?? [])
    .filter((d) => d.name === 'subnetId')
    .map((d) => d.value);
  for (const id of new Set(subnetIds)) {
    if (!id) continue;
    const known = cache.subnetZones.get(id);
    if (known) subnetZones.set(id, known);
    else missingSubnets.push(id);
  }
  if (missingSubnets.length > 0) {
    const out = await api.ec2.send(new DescribeSubnetsCommand({ SubnetIds: missingSubnets }), {
      abortSignal: signal,
    });
    for (const s of out.Subnets ?? []) {
      if (!s.SubnetId || !s.AvailabilityZone) continue;
      cache.subnetZones.set(s.SubnetId, s.AvailabilityZone);
      subnetZones.set(s.SubnetId, s.AvailabilityZone);
    }
  }

  return { tasks, taskDefinitions, containerInstances, hosts, subnetZones };
}
