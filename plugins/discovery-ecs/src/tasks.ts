import type { ContainerInstance, Task, TaskDefinition } from '@aws-sdk/client-ecs';
import type { Endpoint, EndpointHealth } from '@plexus/plugin-api';
import type { EcsConfig } from './config.ts';
import { type SelectedPort, selectPort } from './port-selection.ts';

/** What one poll learned from the ECS/EC2 APIs; input of the pure mapping below. */
export interface EcsSnapshot {
  tasks: Task[];
  /** By task definition ARN. */
  taskDefinitions: Map<string, TaskDefinition>;
  /** By container instance ARN. */
  containerInstances: Map<string, ContainerInstance>;
  /** By EC2 instance id: private IP and availability zone. */
  hosts: Map<string, { privateIp?: string; zone?: string }>;
  /** By subnet id: availability zone (fallback zone of awsvpc tasks). */
  subnetZones: Map<string, string>;
}

const NOT_SERVING = new Set([
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
]);
const WINDING_DOWN = new Set(['DEACTIVATING', 'STOPPING']);

/** Health of a serving task, or undefined when it does not serve (not started yet, or gone). */
export function taskHealth(task: Task, instance: ContainerInstance | undefined): EndpointHealth | undefined {
  if (!task.lastStatus || NOT_SERVING.has(task.lastStatus)) return undefined;
  if (WINDING_DOWN.has(task.lastStatus) || task.desiredStatus === 'STOPPED') return 'draining';
  if (instance?.status === 'DRAINING') return 'draining';
  if (task.healthStatus === 'UNHEALTHY') return 'unhealthy';
  return 'healthy';
}

function eniDetail(task: Task, name: string): string | undefined {
  for (const a of task.attachments ?? []) {
    if (a.type !== 'ElasticNetworkInterface') continue;
    const v = a.details?.find((d) => d.name === name)?.value;
    if (v) return v;
  }
  return undefined;
}

/**
 * ECS tasks → endpoints. awsvpc: the ENI's private IP and the container port. host: the EC2 instance's
 * private IP and the host port (= container port). bridge: the EC2 instance's private IP and the host port
 * from the container's network bindings (dynamic ports) or the task definition (static ports).
 * Tasks whose address or port cannot be known are skipped.
 */
export function endpointsFromTasks(
  snap: EcsSnapshot,
  config: EcsConfig,
  listenerPorts: readonly number[],
  onSelect?: (taskDefinitionArn: string, selected: SelectedPort | undefined) => void,
): Endpoint[] {
  const out: Endpoint[] = [];
  const selections = new Map<string, SelectedPort | undefined>();
  const selectionOf = (arn: string, def: TaskDefinition) => {
    if (!selections.has(arn)) {
      const sel = selectPort(def, config, listenerPorts);
      selections.set(arn, sel);
      onSelect?.(arn, sel);
    }
    return selections.get(arn);
  };
  for (const task of snap.tasks) {
    const def = task.taskDefinitionArn ? snap.taskDefinitions.get(task.taskDefinitionArn) : undefined;
    if (!def) continue;
    const instance = task.containerInstanceArn
      ? snap.containerInstances.get(task.containerInstanceArn)
      : undefined;
    const health = taskHealth(task, instance);
    if (!health) continue;
    const sel = selectionOf(task.taskDefinitionArn as string, def);
    if (!sel) continue;
    const host = instance?.ec2InstanceId ? snap.hosts.get(instance.ec2InstanceId) : undefined;
    const awsvpc = def.networkMode === 'awsvpc' || eniDetail(task, 'privateIPv4Address') !== undefined;
    let address: string | undefined;
    let port: number | undefined;
    if (awsvpc) {
      address =
        eniDetail(task, 'privateIPv4Address') ??
        task.containers?.flatMap((c) => c.networkInterfaces ?? [])[0]?.privateIpv4Address ??
        eniDetail(task, 'privateIPv6Address');
      port = sel.containerPort;
    } else if (def.networkMode === 'host') {
      address = host?.privateIp;
      port = sel.hostPort ?? sel.containerPort;
    } else {
      address = host?.privateIp;
      const binding = task.containers
        ?.find((c) => c.name === sel.containerName)
        ?.networkBindings?.find((b) => b.containerPort === sel.containerPort && b.hostPort);
      port = binding?.hostPort ?? sel.hostPort;
    }
    if (!address || !port) continue;
    const ep: Endpoint = { address, port, health };
    // The ENI's subnet fixes an awsvpc task's zone; otherwise the host's placement does.
    const subnet = eniDetail(task, 'subnetId');
    const zone = task.availabilityZone ?? (subnet ? snap.subnetZones.get(subnet) : undefined) ?? host?.zone;
    if (zone) ep.zone = zone;
    const metadata: Record<string, string> = {};
    if (task.taskArn) metadata.taskArn = task.taskArn;
    if (task.launchType) metadata.launchType = task.launchType;
    ep.metadata = metadata;
    out.push(ep);
  }
  return out;
}
