import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@plexus/daemon';
import { DAEMON_NODE_FLAGS } from '@plexus/daemon/node-flags';
import { AdsClient, repoRoot, type Started, startProcess, waitFor, XdsTypes } from '@plexus/testkit';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { formatStatus } from '../src/commands/status.ts';
import { runMain } from './capture.ts';

const CT = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const MESH_A =
  'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: m }\nspec: {}\n---\napiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: a, mesh: m }\nspec: {}\n';

async function statusOf(http: number): Promise<StatusDocument> {
  return (await (await fetch(`http://127.0.0.1:${http}/api/v1/status`)).json()) as StatusDocument;
}
const LT = 'type.googleapis.com/envoy.config.listener.v3.Listener';

describe('plexus bootstrap', () => {
  test('Envoy YAML by default, gRPC JSON with --grpc, usage errors exit 2', async () => {
    const envoy = await runMain([
      'bootstrap',
      '--node',
      'mesh/m/virtualNode/a',
      '--xds-address',
      '10.0.0.1:18000',
    ]);
    expect(envoy.code).toBe(0);
    const y = parse(envoy.stdout);
    expect(y.node).toEqual({ id: 'mesh/m/virtualNode/a', cluster: 'a' });
    expect(y.admin.address.socket_address.port_value).toBe(9901);
    expect(
      y.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address,
    ).toEqual({
      socket_address: { address: '10.0.0.1', port_value: 18000 },
    });
    const admin = await runMain([
      'bootstrap',
      '--node',
      'n',
      '--xds-address',
      'h:1',
      '--admin-port',
      '19000',
    ]);
    expect(parse(admin.stdout).admin.address.socket_address.port_value).toBe(19000);
    const grpc = await runMain([
      'bootstrap',
      '--grpc',
      '--node',
      'mesh/m/virtualNode/a',
      '--xds-address',
      'h:1',
    ]);
    expect(JSON.parse(grpc.stdout).xds_servers[0]).toEqual({
      server_uri: 'h:1',
      channel_creds: [{ type: 'insecure' }],
      server_features: ['xds_v3'],
    });
    expect((await runMain(['bootstrap', '--node', 'n'])).code).toBe(2);
    expect(
      (await runMain(['bootstrap', '--node', 'n', '--xds-address', 'h:1', '--admin-port', 'x'])).code,
    ).toBe(2);
  });
});

describe('plexus status', () => {
  const doc = {
    revision: {
      applied: 'aaa',
      attempted: 'bbb',
      error: {
        revision: 'bbb',
        stage: 'load',
        file: 'mesh/route.yaml',
        line: 12,
        col: 9,
        field: 'spec.httpRoute.action.weightedTargets[0].weight',
        message: 'must be between 0 and 100',
        errors: [
          'mesh/route.yaml:12:9: Route m/r: spec.httpRoute.action.weightedTargets[0].weight: must be between 0 and 100',
        ],
        at: '2026-01-01T00:00:00.000Z',
      },
    },
    proxies: [
      {
        node: 'mesh/m/virtualNode/a',
        connected: true,
        acked: { [LT]: '1', [CT]: '1' },
        nacked: {},
        revision: 'aaa',
      },
      {
        node: 'mesh/m/virtualNode/b',
        connected: true,
        acked: { [LT]: '1' },
        nacked: { [CT]: { version: '2', message: 'bad cluster' } },
        revision: 'old',
      },
    ],
  };

  test('prints revision, error and a per-type SYNCED/STALE/NACKED table', () => {
    const text = formatStatus(doc as unknown as Parameters<typeof formatStatus>[0]);
    expect(text).toContain('REVISION applied aaa, attempted bbb');
    expect(text).toContain(
      'ERROR    bbb: mesh/route.yaml:12:9: spec.httpRoute.action.weightedTargets[0].weight: must be between 0 and 100',
    );
    const rows = text.split('\n');
    const a = rows.find((r) => r.startsWith('mesh/m/virtualNode/a'))!.split(/\s+/);
    const b = rows.find((r) => r.startsWith('mesh/m/virtualNode/b'))!.split(/\s+/);
    expect(rows.find((r) => r.startsWith('NODE'))!.split(/\s+/)).toEqual([
      'NODE',
      'CONNECTED',
      'REVISION',
      'LDS',
      'RDS',
      'CDS',
      'EDS',
      'SDS',
    ]);
    expect(a).toEqual(['mesh/m/virtualNode/a', 'yes', 'aaa', 'SYNCED', '-', 'SYNCED', '-', '-']);
    expect(b).toEqual(['mesh/m/virtualNode/b', 'yes', 'old', 'STALE', '-', 'NACKED', '-', '-']);
    expect(text).toContain('mesh/m/virtualNode/b Cluster 2: bad cluster');
  });

  let server: Server | undefined;
  afterAll(() => server?.close());

  test('reads /api/v1/status from --server; exits 1 when it cannot', async () => {
    server = createServer((_req, res) => res.end(JSON.stringify(doc)));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const r = await runMain(['status', '--server', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mesh/m/virtualNode/a');
    const json = await runMain(['status', '--server', `http://127.0.0.1:${port}`, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(doc);
    server.close();
    server = undefined;
    const down = await runMain(['status', '--server', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    const bogus = await runMain(['status', '--server', `http://127.0.0.1:${port}`, '--format', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain("--format must be one of table, json (got 'bogus')");
  });

  test('lists proxies waiting for a revision that defines them', () => {
    const waiting = {
      ...doc,
      proxies: [
        {
          ...doc.proxies[0]!,
          node: 'mesh/m/virtualNode/c',
          acked: {},
          revision: null,
          waiting: 'not defined in revision aaa',
        },
      ],
    };
    const text = formatStatus(waiting as unknown as Parameters<typeof formatStatus>[0]);
    expect(text).toContain(
      'WAITING (connected, no config until a commit defines them)\n  mesh/m/virtualNode/c: not defined in revision aaa',
    );
  });
});

describe('plexus run', () => {
  let daemon: Started | undefined;
  let dir: string | undefined;
  afterAll(async () => {
    await daemon?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The ports the daemon bound (it was given port 0), from its "plexus daemon started" log line. */
  async function boundPorts(started: Started): Promise<{ http: number; xds: number }> {
    let line: { http: number; xds: number } | undefined;
    await waitFor(
      () => {
        const found = started
          .output()
          .split('\n')
          .find((l) => l.includes('"msg":"plexus daemon started"'));
        if (found) line = JSON.parse(found);
        return line !== undefined;
      },
      { timeoutMs: 45_000, what: 'plexus run to start' },
    );
    return line!;
  }

  test('serves a directory, becomes ready, and exits 0 on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'plexus-run-'));
    writeFileSync(join(dir, 'mesh.yaml'), MESH_A);
    daemon = startProcess(process.execPath, [
      join(repoRoot, 'packages/cli/bin/plexus.js'),
      'run',
      '--repo',
      dir,
      '--xds-listen',
      '127.0.0.1:0',
      '--http-listen',
      '127.0.0.1:0',
    ]);
    const { http, xds } = await boundPorts(daemon);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${http}/readyz`)).status === 200, {
      timeoutMs: 45_000,
      what: 'plexus run to be ready',
    });
    const status = await statusOf(http);
    expect(status.revision.applied).toMatch(/^[0-9a-f]{16,}$/);
    expect(daemon.output()).toContain('POST /webhook accepts unsigned deliveries');

    // A well-formed node id the revision does not define: the stream stays open, waiting, and is shown as such.
    const client = new AdsClient(`127.0.0.1:${xds}`);
    const stream = client.sotw({ id: 'mesh/m/virtualNode/b' });
    try {
      stream.request({ typeUrl: XdsTypes.cluster });
      const waiting = `not defined in revision ${status.revision.applied}`;
      await waitFor(async () => (await statusOf(http)).proxies.some((p) => p.waiting === waiting), {
        timeoutMs: 20_000,
        what: 'b shown as waiting',
      });
      expect(await (await fetch(`http://127.0.0.1:${http}/metrics`)).text()).toMatch(
        /^plexus_waiting_proxies 1$/m,
      );
      const again = client.sotw({ id: 'mesh/m/virtualNode/b' });
      again.request({ typeUrl: XdsTypes.cluster });
      await waitFor(async () => (await statusOf(http)).proxies.length === 2, {
        timeoutMs: 20_000,
        what: '2 streams',
      });
      again.close();
      expect(daemon.output().split('mesh/m/virtualNode/b is not defined in revision').length - 1).toBe(1);
      const table = await runMain(['status', '--server', `http://127.0.0.1:${http}`]);
      expect(table.stdout).toContain(`mesh/m/virtualNode/b: ${waiting}`);

      // Committing the node gives the same stream its config.
      writeFileSync(
        join(dir, 'b.yaml'),
        'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: b, mesh: m }\nspec: {}\n',
      );
      const cds = await stream.nextOf(XdsTypes.cluster, 30_000);
      expect(cds.versionInfo).not.toBe('');
      await waitFor(async () => (await statusOf(http)).proxies.every((p) => p.waiting === undefined), {
        timeoutMs: 20_000,
        what: 'b no longer waiting',
      });
    } finally {
      stream.close();
      client.close();
    }

    // the same process (same pid) now runs with the daemon's V8 flags
    const cmdline = readFileSync(`/proc/${daemon.proc.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of DAEMON_NODE_FLAGS) expect(cmdline).toContain(flag);
    const exited = new Promise<number | null>((r) => daemon!.proc.once('exit', (code) => r(code)));
    daemon.proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(daemon.output()).toContain('"msg":"stopped"');
  });

  test('every numeric and listen flag is checked; the webhook secret may come from a file', async () => {
    for (const [args, message] of [
      [['--poll-interval', 'abc'], "--poll-interval takes a whole number, at least 100 ms (got 'abc')"],
      [['--poll-interval', '0'], "--poll-interval takes a whole number, at least 100 ms (got '0')"],
      [['--poll-interval', '1.5'], "--poll-interval takes a whole number, at least 100 ms (got '1.5')"],
      [['--http-listen', 'localhost'], "--http-listen takes HOST:PORT (got 'localhost')"],
      [['--xds-listen', '127.0.0.1:70000'], '--xds-listen: port 70000 is over 65535'],
      [['--webhook-secret-file', '/nonexistent/secret'], '--webhook-secret-file /nonexistent/secret: ENOENT'],
      [['--webhook-secret', 'a', '--webhook-secret-file', 'b'], 'not both'],
    ] as const) {
      const r = await runMain(['run', '--repo', '.', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(message);
    }
  });

  test('usage errors exit 2', async () => {
    expect((await runMain(['run'])).code).toBe(2);
    expect((await runMain(['run', '--repo', '.', '--bogus'])).code).toBe(2);
    const missing = await runMain([
      'run',
      '--repo',
      '.',
      '--discovery-settings',
      '/nonexistent/settings.yaml',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--discovery-settings /nonexistent/settings.yaml');
  });
});
