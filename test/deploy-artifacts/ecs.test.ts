// biome-ignore-all lint/suspicious/noExplicitAny: rendered manifests and templates are external schemas, read loosely by path
/**
 * deploy/ecs with what runs here: cfn-lint (PyPI) on both templates; the Plexus task role's actions checked
 * against the AWS SDK commands the discovery plugins actually send (nothing missing, nothing extra); and the
 * recipe's Envoy container run for real: its command line (with `plexus bootstrap` output, a CA bundle and a
 * token in the variables ECS would fill from SSM and Secrets Manager) starts Envoy, which connects to a real
 * `plexus run` and ACKs; its health check command then reports it ready.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot, type Started, startProcess, waitFor } from '@plexus/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { envoyExecutable } from '../capture-e2e/envoy-exe.ts';

const run = promisify(execFile);
const ECS = join(repoRoot, 'deploy/ecs');
const NODE = join(repoRoot, 'node_modules/.bin/node');
const PLEXUS = join(repoRoot, 'packages/cli/bin/plexus.js');

/** CloudFormation's short-form intrinsics, kept as { 'Fn::X': value } (or Ref). */
const cfnTags: Tags = [
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'Split',
  'Select',
  'If',
  'Equals',
  'Not',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr',
].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (v: unknown) => ({
      [name === 'Ref' ? 'Ref' : `Fn::${name}`]: (v as { toJSON?: () => unknown })?.toJSON?.() ?? v,
    }),
  })),
) as Tags;

function template(file: string): any {
  return parse(readFileSync(join(ECS, file), 'utf8'), { customTags: cfnTags });
}

const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-servicediscovery': 'servicediscovery',
};

/** `service:Action` for every `new XCommand(` in the plugins' sources, by the client module it came from. */
function pluginActions(): string[] {
  const out = new Set<string>();
  const pluginsDir = join(repoRoot, 'plugins');
  for (const plugin of readdirSync(pluginsDir)) {
    const src = join(pluginsDir, plugin, 'src');
    let files: string[] = [];
    try {
      files = readdirSync(src).filter((f) => f.endsWith('.ts'));
    } catch {
      continue;
    }
    for (const f of files) {
      const text = readFileSync(join(src, f), 'utf8');
      const fromModule = new Map<string, string>();
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
        for (const name of m[1]!.split(',').map((s) => s.replace(/^type\s+/, '').trim()))
          fromModule.set(name, m[2]!);
      }
      for (const m of text.matchAll(/new (\w+)Command\(/g)) {
        const mod = fromModule.get(`${m[1]}Command`);
        if (!mod) throw new Error(`plugins/${plugin}/src/${f}: ${m[1]}Command from an unknown module`);
        out.add(`${SERVICE_PREFIX[mod]}:${m[1]}`);
      }
    }
  }
  return [...out].sort();
}

const started: Started[] = [];
const work = mkdtempSync(join(tmpdir(), 'plexus-ecs-recipe-'));
chmodSync(work, 0o755);
afterAll(async () => {
  for (const p of started) await p.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('deploy/ecs', () => {
  it('both templates pass cfn-lint', async () => {
    const r = await run(join(repoRoot, '.venv/bin/cfn-lint'), [
      join(ECS, 'plexus-service.yaml'),
      join(ECS, 'app-task-with-plexus-sidecar.yaml'),
    ]).catch((e) => e as { stdout: string; code: number });
    expect(r.stdout, 'cfn-lint findings').toBe('');
  });

  it('the task role allows exactly the read-only calls the discovery plugins make, and no STS', () => {
    const t = template('plexus-service.yaml');
    const statements = t.Resources.TaskRole.Properties.Policies.flatMap(
      (p: any) => p.PolicyDocument.Statement,
    );
    const allowed = statements.flatMap((s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(allowed).toEqual(pluginActions());
    expect(allowed).toEqual([
      'ec2:DescribeInstances',
      'ec2:DescribeSubnets',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeTaskDefinition',
      'ecs:DescribeTasks',
      'ecs:ListTasks',
      'servicediscovery:DiscoverInstances',
      'servicediscovery:GetInstancesHealthStatus',
      'servicediscovery:ListInstances',
      'servicediscovery:ListNamespaces',
      'servicediscovery:ListServices',
    ]);
    for (const s of statements) expect(s.Effect).toBe('Allow');
    const scoped = statements.filter(
      (s: any) =>
        JSON.stringify(s.Action).includes('ecs:ListTasks') ||
        JSON.stringify(s.Action).includes('ecs:DescribeTasks'),
    );
    for (const s of scoped)
      expect(s.Condition.ArnEquals['ecs:cluster']).toEqual({ Ref: 'DiscoveredClusterArns' });
  });

  it('runs Plexus behind an NLB with TLS xDS and /readyz health checks, as a non-root read-only container', () => {
    const r = template('plexus-service.yaml').Resources;
    expect(r.LoadBalancer.Properties).toMatchObject({ Type: 'network', Scheme: 'internal' });
    expect(r.XdsTargetGroup.Properties).toMatchObject({
      Protocol: 'TCP',
      Port: 18000,
      HealthCheckPath: '/readyz',
      HealthCheckPort: '9090',
    });
    const plexus = r.TaskDefinition.Properties.ContainerDefinitions.find((c: any) => c.Name === 'plexus');
    expect(plexus.Command).toEqual(
      expect.arrayContaining(['run', '--xds-tls-cert=/run/plexus/tls.crt', '--state-dir=/var/lib/plexus']),
    );
    expect(plexus).toMatchObject({ User: '1000:1000', ReadonlyRootFilesystem: true });
    expect(r.Service.Properties.LoadBalancers.map((l: any) => l.ContainerPort)).toEqual([18000, 9090]);
  });

  it('the recipe keeps App Mesh’s proxyConfiguration and its Envoy command line starts a sidecar that Plexus serves', async () => {
    const task = template('app-task-with-plexus-sidecar.yaml').Resources.TaskDefinition.Properties;
    expect(task.ProxyConfiguration).toMatchObject({ Type: 'APPMESH', ContainerName: 'envoy' });
    const props = Object.fromEntries(
      task.ProxyConfiguration.ProxyConfigurationProperties.map((p: any) => [p.Name, p.Value]),
    );
    expect(props).toMatchObject({ IgnoredUID: '1337', ProxyIngressPort: '15000', ProxyEgressPort: '15001' });
    const envoy = task.ContainerDefinitions.find((c: any) => c.Name === 'envoy');
    expect(envoy.User).toBe('1337');
    const mount = envoy.MountPoints[0].ContainerPath as string;

    const http = await freePort();
    const xds = await freePort();
    const daemon = startProcess(NODE, [
      PLEXUS,
      'run',
      '--repo',
      join(repoRoot, 'examples/colorapp/mesh'),
      '--xds-listen',
      `127.0.0.1:${xds}`,
      '--http-listen',
      `127.0.0.1:${http}`,
    ]);
    started.push(daemon);
    const admin = await freePort();
    const { stdout: bootstrap } = await run(NODE, [
      PLEXUS,
      'bootstrap',
      '--node',
      'mesh/colorapp/virtualNode/front',
      '--xds-address',
      `127.0.0.1:${xds}`,
      '--admin-address',
      '127.0.0.1',
      '--admin-port',
      String(admin),
    ]);
    // The task's volume at its ContainerPath and the image's `envoy` on PATH, in a folder of our own.
    const files = join(work, 'plexus-files');
    const bin = join(work, 'bin');
    mkdirSync(files, { mode: 0o777 });
    chmodSync(files, 0o777);
    mkdirSync(bin);
    symlinkSync(envoyExecutable(), join(bin, 'envoy'));
    const script = (envoy.Command[0] as string).replaceAll(mount, files);
    const [shell, flag] = envoy.EntryPoint as string[];
    const sidecar = startProcess(
      'setpriv',
      [
        '--reuid',
        envoy.User,
        '--regid',
        envoy.User,
        '--clear-groups',
        shell!,
        flag!,
        `${script} --disable-hot-restart --concurrency 1`,
      ],
      {
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          PLEXUS_BOOTSTRAP: bootstrap,
          PLEXUS_NODE_TOKEN: 'node-token-from-secrets-manager',
          PLEXUS_XDS_CA: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
          APPMESH_RESOURCE_ARN: 'mesh/colorapp/virtualNode/front',
        },
      },
    );
    started.push(sidecar);
    await waitFor(
      async () => {
        const s = (await (await fetch(`http://127.0.0.1:${http}/api/v1/status`)).json()) as {
          proxies: { node: string; connected: boolean; acked: object; nacked: object }[];
        };
        const p = s.proxies.find((x) => x.node === 'mesh/colorapp/virtualNode/front');
        return Boolean(
          p?.connected && Object.keys(p.acked).length >= 2 && Object.keys(p.nacked).length === 0,
        );
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the recipe’s Envoy to ACK its config' },
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${sidecar.output()}\n${daemon.output().slice(-2000)}`);
    });
    expect(readFileSync(join(files, 'token'), 'utf8')).toBe('node-token-from-secrets-manager');
    // The container health check ECS runs, against this Envoy's admin port.
    const check = (envoy.HealthCheck.Command[1] as string).replace('/9901', `/${admin}`);
    await waitFor(
      async () =>
        await run('sh', ['-c', check]).then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 15_000,
        intervalMs: 200,
        what: 'the health check command to pass',
      },
    );
  }, 90_000);
});
