import {
  type ConfigIssue,
  expectKnownFields,
  expectObject,
  expectPort,
  expectString,
} from '@plexus/plugin-api';

/**
 * `spec.serviceDiscovery.ecs` (and `.fargate`, same shape): the tasks of one ECS service or task-definition
 * family in a cluster.
 *
 * - `cluster` (required): cluster name or ARN.
 * - `service` | `family` (exactly one): the ECS service name (tasks whose `group` is `service:<name>`), or the
 *   task-definition family.
 * - `containerName`: the container whose port is used; default: the container mapping `containerPort`, else
 *   the first container with a port mapping.
 * - `containerPort`: the container port to expose; default: the node's first listener port when the
 *   container maps it, else the container's first mapped port.
 */
export interface EcsConfig {
  cluster: string;
  service?: string;
  family?: string;
  containerName?: string;
  containerPort?: number;
}

export const ECS_CONFIG_FIELDS = ['cluster', 'service', 'family', 'containerName', 'containerPort'] as const;

export function validateEcsConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const obj = expectObject(config, '', issues);
  if (!obj) return issues;
  expectKnownFields(obj, ECS_CONFIG_FIELDS, '', issues);
  expectString(obj, 'cluster', '', issues, { required: true });
  const service = expectString(obj, 'service', '', issues);
  const family = expectString(obj, 'family', '', issues);
  expectString(obj, 'containerName', '', issues);
  expectPort(obj, 'containerPort', '', issues);
  if (obj.service === undefined && obj.family === undefined) {
    issues.push({ path: '', message: 'set exactly one of service or family' });
  } else if (service !== undefined && family !== undefined) {
    issues.push({ path: 'family', message: 'set exactly one of service or family, not both' });
  }
  return issues;
}
