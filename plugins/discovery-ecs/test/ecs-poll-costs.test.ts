import { StopTaskCommand } from '@aws-sdk/client-ecs';
import type { PluginLogger } from '@plexus/plugin-api';
import { startPluginHarness } from '@plexus/plugin-api/testing';
import { jsonThrottle, type MotoWithProxy, startMotoWithProxy } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ecsModule from '../src/index.ts';
import { EcsFixture } from './moto-ecs.ts';

// What one poll costs in API calls and what it logs: the bounded task-definition cache, the one retry policy,
// and the port choice (never the Envoy sidecar's), against moto with the real SDK.

let aws: MotoWithProxy;
let fx: EcsFixture;
const CLUSTER = 'costs';
const started: string[] = [];

beforeAll(async () => {
  aws = await startMotoWithProxy();
  fx = await EcsFixture.start(aws.moto, CLUSTER);
  await fx.containerInstance(CLUSTER, 'us-east-1a');
  // Two revisions of one family, a task on each: one watch needs two task definitions.
  for (const port of [8080, 8081]) {
    const def = await fx.taskDefinition('rev', 'awsvpc', [
      { name: 'envoy', ports: [{ containerPort: 15000 }] },
      { name: 'app', ports: [{ containerPort: port }] },
    ]);
    started.push(...(await fx.runTasks(CLUSTER, def, 1, { awsvpc: true })));
  }
});

afterAll(async () => {
  for (const task of started) await fx?.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task }));
  await aws?.stop();
});

const describeDefs = () => aws.proxy.requests.filter((r) => r.action === 'DescribeTaskDefinition').length;

async function pollsWith(settings: ReturnType<MotoWithProxy['proxiedSettings']>, polls: number) {
  const before = describeDefs();
  const h = startPluginHarness(
    ecsModule,
    { key: 'ecs', config: { cluster: CLUSTER, family: 'rev' } },
    { settings },
  );
  try {
    for (let i = 0; i < polls; i++) expect(await h.nextUpdate()).toHaveLength(2);
    return describeDefs() - before;
  } finally {
    h.stop();
  }
}

describe('ecs poll costs (moto, real SDK)', () => {
  it('task definitions are cached, in an LRU of `cacheEntries`: a poll never misses one it evicted', async () => {
    // Default size: both revisions are fetched once, then served from the cache.
    expect(await pollsWith(aws.proxiedSettings(), 3)).toBe(2);
    // One entry for two revisions: every poll fetches what was evicted, and still reports both tasks.
    const calls = await pollsWith(aws.proxiedSettings({ plugins: { ecs: { cacheEntries: 1 } } }), 3);
    expect(calls).toBeGreaterThanOrEqual(2 + 1 + 1);
  });

  it('refuses a cache size below 1, naming the setting', async () => {
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, family: 'rev' } },
      { settings: aws.proxiedSettings({ plugins: { ecs: { cacheEntries: 0 } } }) },
    );
    try {
      expect((await h.nextError()).message).toBe(
        'settings.plugins.ecs.cacheEntries must be an integer >= 1, got 0',
      );
    } finally {
      h.stop();
    }
  });

  it('picks the app port, never the Envoy sidecar, and logs the choice and the reason once per change', async () => {
    const debug: string[] = [];
    const logger: PluginLogger = {
      debug: (msg) => debug.push(msg),
      info() {},
      warn() {},
      error() {},
    };
    // No listener port: the first mapped port used to be Envoy's 15000.
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, family: 'rev' }, listenerPorts: [] },
      { settings: aws.settings(), logger },
    );
    try {
      for (let i = 0; i < 3; i++) {
        expect((await h.nextUpdate()).map((e) => e.port).sort()).toEqual([8080, 8081]);
      }
    } finally {
      h.stop();
    }
    expect(debug.sort()).toEqual(
      [8080, 8081].map(
        (p) =>
          `ecs: port app:${p}: the node has no listener port: first mapped port of the first of app containers (proxy containers skipped: envoy) with one`,
      ),
    );
  });

  it.each([1, 2, 3])('one logical call makes at most the configured attempts (maxAttempts %i)', async (n) => {
    const settings = aws.proxiedSettings();
    settings.aws.maxAttempts = n;
    const listTasks = () => aws.proxy.requests.filter((r) => r.action === 'ListTasks').length;
    aws.proxy.setFault((r) => (r.action === 'ListTasks' ? jsonThrottle('ThrottlingException') : undefined));
    const before = listTasks();
    const h = startPluginHarness(
      ecsModule,
      { key: 'ecs', config: { cluster: CLUSTER, family: 'rev' } },
      { settings },
    );
    try {
      const err = await h.nextError(30_000);
      expect(err.name).toBe('ThrottlingException');
      expect(listTasks() - before).toBe(n);
    } finally {
      h.stop();
      aws.proxy.setFault(() => undefined);
    }
  });
});
