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
import { type Clock, chunk, mapConcurrent, retryWithBackoff } from '@plexus/plugin-api';
import type { EcsConfig } from './config.ts';
import type { EcsSnapshot } from './tasks.ts';

/** DescribeTasks and DescribeContainerInstances accept at most 100 ids per call. */
export const ECS_DESCRIBE_BATCH = 100;

/** Which launch types a plugin serves. */
export type LaunchTypeFilter = 'ec2' | 'fargate';

/** Lookups that never change for the life of the thing looked up; shared by all watches of one plugin. */
export class EcsCache {
  readonly taskDefinitions = new Map<string, TaskDefinition>();
  readonly hosts = new Map<string, { privateIp?: string; zone?: string }>();
  readonly subnetZones = new Map<string, string>();
}

export interface FetchOptions {
  clock: Clock;
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
 * container instances and their EC2 hosts (cached), subnet zones (cached). Throttled calls are retried with
 * jittered backoff; other errors reject.
 */
export async function loadEcsSnapshot(
  api: { ecs: ECSClient; ec2: EC2Client },
  cache: EcsCache,
  config: EcsConfig,
  launchTypes: LaunchTypeFilter,
  opts: FetchOptions,
): Promise<EcsSnapshot> {
  const { signal, clock } = opts;
  const concurrency = opts.concurrency ?? 4;
  const call = <T>(fn: () => Promise<T>) => retryWithBackoff(fn, { attempts: 3, baseMs: 200, clock, signal });
  const cluster = config.cluster;

  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as DesiredStatus[]) {
    let nextToken: string | undefined;
    do {
      const page = await call(() =>
        api.ecs.send(
          new ListTasksCommand({
            cluster,
            desiredStatus,
            ...(config.service ? { serviceName: config.service } : { family: config.family }),
            nextToken,
          }),
          { abortSignal: signal },
        ),
      );
      arns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }

  const described = await mapConcurrent(chunk([...new Set(arns)], ECS_DESCRIBE_BATCH), concurrency, (batch) =>
    call(() => api.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }), { abortSignal: signal })),
  );
  const tasks = described
    .flatMap((d) => d.tasks ?? [])
    .filter((t) => (launchTypes === 'fargate' ? isFargateTask(t) : !isFargateTask(t)))
    .filter((t) => !config.service || t.group === `service:${config.service}`);

  const missingDefs = [...new Set(tasks.map((t) => t.taskDefinitionArn))].filter(
    (a): a is string => !!a && !cache.taskDefinitions.has(a),
  );
  await mapConcurrent(missingDefs, concurrency, async (taskDefinition) => {
    const out = await call(() =>
      api.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), { abortSignal: signal }),
    );
    if (out.taskDefinition) cache.taskDefinitions.set(taskDefinition, out.taskDefinition);
  });

  const containerInstances = new Map<string, ContainerInstance>();
  const ciArns = [...new Set(tasks.map((t) => t.containerInstanceArn))].filter((a): a is string => !!a);
  const ciPages = await mapConcurrent(chunk(ciArns, ECS_DESCRIBE_BATCH), concurrency, (batch) =>
    call(() =>
      api.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }), {
        abortSignal: signal,
      }),
    ),
  );
  for (const ci of ciPages.flatMap((p) => p.containerInstances ?? [])) {
    if (ci.containerInstanceArn) containerInstances.set(ci.containerInstanceArn, ci);
  }

  const missingHosts = [...new Set([...containerInstances.values()].map((ci) => ci.ec2InstanceId))].filter(
    (id): id is string => !!id && !cache.hosts.has(id),
  );
  const hostPages = await mapConcurrent(chunk(missingHosts, ECS_DESCRIBE_BATCH), concurrency, (InstanceIds) =>
    call(() => api.ec2.send(new DescribeInstancesCommand({ InstanceIds }), { abortSignal: signal })),
  );
  for (const i of hostPages.flatMap((p) => p.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
    if (i.InstanceId) {
      cache.hosts.set(i.InstanceId, { privateIp: i.PrivateIpAddress, zone: i.Placement?.AvailabilityZone });
    }
  }

  const missingSubnets = [
    ...new Set(
      tasks
        .filter((t) => !t.availabilityZone)
        .flatMap((t) => t.attachments ?? [])
        .flatMap((a) => a.details ?? [])
        .filter((d) => d.name === 'subnetId')
        .map((d) => d.value),
    ),
  ].filter((s): s is string => !!s && !cache.subnetZones.has(s));
  if (missingSubnets.length > 0) {
    const out = await call(() =>
      api.ec2.send(new DescribeSubnetsCommand({ SubnetIds: missingSubnets }), { abortSignal: signal }),
    );
    for (const s of out.Subnets ?? [])
      if (s.SubnetId && s.AvailabilityZone) cache.subnetZones.set(s.SubnetId, s.AvailabilityZone);
  }

  return {
    tasks,
    taskDefinitions: cache.taskDefinitions,
    containerInstances,
    hosts: cache.hosts,
    subnetZones: cache.subnetZones,
  };
}
