import type { Task, TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  type EcsSnapshot,
  endpointsFromTasks,
  selectPort,
  taskHealth,
  validateEcsConfig,
} from '../src/index.ts';

const bridgeDef: TaskDefinition = {
  taskDefinitionArn: 'arn:td/bridge:1',
  networkMode: 'bridge',
  containerDefinitions: [
    { name: 'envoy', portMappings: [{ containerPort: 9901, hostPort: 0 }] },
    {
      name: 'app',
      portMappings: [
        { containerPort: 8080, hostPort: 0 },
        { containerPort: 8081, hostPort: 0 },
      ],
    },
  ],
};

function snapshot(tasks: Task[]): EcsSnapshot {
  return {
    tasks,
    taskDefinitions: new Map([[bridgeDef.taskDefinitionArn as string, bridgeDef]]),
    containerInstances: new Map([
      ['arn:ci/1', { containerInstanceArn: 'arn:ci/1', ec2InstanceId: 'i-1', status: 'ACTIVE' }],
      ['arn:ci/2', { containerInstanceArn: 'arn:ci/2', ec2InstanceId: 'i-2', status: 'DRAINING' }],
    ]),
    hosts: new Map([
      ['i-1', { privateIp: '10.1.0.1', zone: 'us-east-1a' }],
      ['i-2', { privateIp: '10.1.0.2', zone: 'us-east-1b' }],
    ]),
    subnetZones: new Map(),
  };
}

const task = (id: string, ci: string, hostPort: number | undefined, extra: Partial<Task> = {}): Task => ({
  taskArn: `arn:task/${id}`,
  taskDefinitionArn: 'arn:td/bridge:1',
  containerInstanceArn: ci,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  containers: [{ name: 'app', networkBindings: hostPort ? [{ containerPort: 8080, hostPort }] : [] }],
  ...extra,
});

describe('ECS task mapping (unit)', () => {
  it('bridge mode with dynamic host ports uses the container network bindings', () => {
    const eps = endpointsFromTasks(
      snapshot([
        task('a', 'arn:ci/1', 32768),
        task('b', 'arn:ci/2', 32769),
        task('c', 'arn:ci/1', undefined),
      ]),
      { cluster: 'c', service: 's' },
      [8080],
    );
    expect(eps.map((e) => [e.address, e.port, e.zone, e.health])).toEqual([
      ['10.1.0.1', 32768, 'us-east-1a', 'healthy'],
      ['10.1.0.2', 32769, 'us-east-1b', 'draining'],
    ]);
  });

  it('selects the container and port: explicit, by listener port, else first mapping', () => {
    expect(selectPort(bridgeDef, { cluster: 'c', family: 'f' }, [8081])).toMatchObject({
      containerName: 'app',
      containerPort: 8081,
      reason: 'maps the listener port 8081; among app containers (proxy containers skipped: envoy)',
    });
    expect(selectPort(bridgeDef, { cluster: 'c', family: 'f', containerName: 'app' }, [1])).toMatchObject({
      containerName: 'app',
      containerPort: 8080,
      reason:
        'no container maps the listener port 1: first mapped port of the first of container app (containerName) with one',
    });
  });

  it('never picks a port of the proxy container on its own, and says why it picked the one it did', () => {
    // The Envoy sidecar is listed first and maps a port: without a match it used to win.
    expect(selectPort(bridgeDef, { cluster: 'c', family: 'f' }, [])).toMatchObject({
      containerName: 'app',
      containerPort: 8080,
      reason:
        'the node has no listener port: first mapped port of the first of app containers (proxy containers skipped: envoy) with one',
    });
    expect(selectPort(bridgeDef, { cluster: 'c', family: 'f' }, [9999])).toMatchObject({
      containerName: 'app',
      containerPort: 8080,
    });
    // Even when the listener port is the one Envoy maps.
    expect(selectPort(bridgeDef, { cluster: 'c', family: 'f' }, [9901])).toMatchObject({
      containerName: 'app',
      containerPort: 8080,
    });
    const sidecars: TaskDefinition = {
      proxyConfiguration: { type: 'APPMESH', containerName: 'mesh-proxy' },
      containerDefinitions: [
        { name: 'mesh-proxy', portMappings: [{ containerPort: 15000 }] },
        { name: 'aws-appmesh-envoy', portMappings: [{ containerPort: 15001 }] },
        { name: 'web', portMappings: [{ containerPort: 3000 }] },
      ],
    };
    expect(selectPort(sidecars, { cluster: 'c', family: 'f' }, [])).toMatchObject({
      containerName: 'web',
      containerPort: 3000,
      reason: expect.stringContaining('proxy containers skipped: mesh-proxy, aws-appmesh-envoy'),
    });
    // An explicit containerPort nobody maps goes on the first app container, not the proxy.
    expect(selectPort(sidecars, { cluster: 'c', family: 'f', containerPort: 4000 }, [])).toMatchObject({
      containerName: 'web',
      containerPort: 4000,
    });
    // Only proxy containers: nothing to expose (the task is skipped) unless containerName asks for one.
    const onlyProxy: TaskDefinition = { containerDefinitions: [sidecars.containerDefinitions?.[1] ?? {}] };
    expect(selectPort(onlyProxy, { cluster: 'c', family: 'f' }, [])).toBeUndefined();
    expect(
      selectPort(onlyProxy, { cluster: 'c', family: 'f', containerName: 'aws-appmesh-envoy' }, []),
    ).toMatchObject({ containerName: 'aws-appmesh-envoy', containerPort: 15001 });
  });

  it("reports each task definition's port choice once per mapping call", () => {
    const seen: Array<[string, string | undefined]> = [];
    endpointsFromTasks(
      snapshot([task('a', 'arn:ci/1', 32768), task('b', 'arn:ci/1', 32770)]),
      { cluster: 'c', service: 's' },
      [8080],
      (arn, sel) => seen.push([arn, sel && `${sel.containerName}:${sel.containerPort}`]),
    );
    expect(seen).toEqual([['arn:td/bridge:1', 'app:8080']]);
  });

  it('maps task states to health', () => {
    expect(taskHealth({ lastStatus: 'PENDING' }, undefined)).toBeUndefined();
    expect(taskHealth({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }, undefined)).toBeUndefined();
    expect(taskHealth({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }, undefined)).toBe('draining');
    expect(taskHealth({ lastStatus: 'STOPPING' }, undefined)).toBe('draining');
    expect(taskHealth({ lastStatus: 'RUNNING', healthStatus: 'UNHEALTHY' }, undefined)).toBe('unhealthy');
    expect(taskHealth({ lastStatus: 'RUNNING' }, { status: 'DRAINING' })).toBe('draining');
  });

  it('validates ecs config', () => {
    expect(validateEcsConfig({ cluster: 'c', service: 's', containerPort: 8080 })).toEqual([]);
    expect(validateEcsConfig({ service: 's', family: 'f', containerPort: 'x', extra: 1 })).toEqual([
      {
        path: 'extra',
        message: 'unknown field (allowed: cluster, service, family, containerName, containerPort)',
      },
      { path: 'cluster', message: 'required' },
      { path: 'containerPort', message: 'expected an integer port 1..65535' },
      { path: 'family', message: 'set exactly one of service or family, not both' },
    ]);
    expect(validateEcsConfig({ cluster: 'c' })).toEqual([
      { path: '', message: 'set exactly one of service or family' },
    ]);
  });
});
