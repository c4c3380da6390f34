import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsConfig } from './config.ts';

/** The container and port a config selects in a task definition, and why (for debug logs). */
export interface SelectedPort {
  containerName: string;
  containerPort: number;
  /** Static host port from the task definition (bridge/host); 0/undefined when dynamic. */
  hostPort?: number;
  reason: string;
}

/** Containers named like this are the Envoy sidecar (`envoy`, `aws-appmesh-envoy`, …), never the app. */
const PROXY_NAME = /envoy/i;

/**
 * True for the task's proxy container: the one `proxyConfiguration.containerName` names (App Mesh on ECS) or
 * one named like Envoy. Its ports (admin 9901, the listener Envoy intercepts) are never chosen on their own.
 */
export function isProxyContainer(def: TaskDefinition, name: string | undefined): boolean {
  if (!name) return false;
  return name === def.proxyConfiguration?.containerName || PROXY_NAME.test(name);
}

/**
 * Chooses the container port to expose:
 * 1. a container mapping `containerPort` (else the node's first listener port);
 * 2. an explicit `containerPort` nobody maps, on the first app container (awsvpc needs no mapping);
 * 3. the first mapped port of the first app container.
 * `containerName` limits the candidates; without it proxy containers are never candidates.
 */
export function selectPort(
  def: TaskDefinition,
  config: EcsConfig,
  listenerPorts: readonly number[],
): SelectedPort | undefined {
  const all = def.containerDefinitions ?? [];
  const containers = config.containerName
    ? all.filter((c) => c.name === config.containerName)
    : all.filter((c) => !isProxyContainer(def, c.name));
  const scope = config.containerName
    ? `container ${config.containerName} (containerName)`
    : `app containers (proxy containers skipped: ${proxyNames(def, all)})`;
  const wanted = config.containerPort ?? listenerPorts[0];
  const pick = (c: ContainerDefinition, port: number | undefined, reason: string) => {
    const m = (c.portMappings ?? []).find((pm) => port === undefined || pm.containerPort === port);
    if (!m?.containerPort || !c.name) return undefined;
    return {
      containerName: c.name,
      containerPort: m.containerPort,
      hostPort: m.hostPort || undefined,
      reason,
    };
  };
  if (wanted !== undefined) {
    const why =
      config.containerPort !== undefined
        ? `maps containerPort ${wanted}`
        : `maps the listener port ${wanted}`;
    for (const c of containers) {
      const s = pick(c, wanted, `${why}; among ${scope}`);
      if (s) return s;
    }
  }
  if (config.containerPort !== undefined) {
    const name = containers[0]?.name;
    if (!name) return undefined;
    return {
      containerName: name,
      containerPort: config.containerPort,
      reason: `containerPort ${config.containerPort} is mapped by no container; used on the first of ${scope}`,
    };
  }
  const fallback =
    wanted === undefined ? 'the node has no listener port' : `no container maps the listener port ${wanted}`;
  for (const c of containers) {
    const s = pick(c, undefined, `${fallback}: first mapped port of the first of ${scope} with one`);
    if (s) return s;
  }
  return undefined;
}

function proxyNames(def: TaskDefinition, all: readonly ContainerDefinition[]): string {
  const names = all.map((c) => c.name).filter((n) => isProxyContainer(def, n));
  return names.length > 0 ? names.join(', ') : 'none';
}
