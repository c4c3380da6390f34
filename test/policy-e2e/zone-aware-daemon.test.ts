/**
 * Zone preference from the proxies' own locality, through the daemon: two real Envoys run the same virtual
 * gateway (one node id, as two tasks of one service would), one bootstrapped in zone-a and one in zone-b
 * (node.locality, as App Mesh's sidecar reports it). The daemon translates the gateway once per zone its
 * replicas report, so each Envoy ranks red's endpoints of its own zone first (its admin /clusters shows the
 * priority it applied to each host) and sends traffic there. Both Envoys bind the gateway port (Envoy sets
 * SO_REUSEPORT), so which of them forwards a request is the kernel's choice; each Envoy's upstream counters
 * say where it sent what it forwarded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '@plexus/daemon';
import { commitAll, initRepo, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { type EnvoyHandle, startEnvoy } from '../xds-e2e/helpers.ts';
import { close, GATEWAY, GATEWAY_ID, get, meshYaml, namedBackend, policy, ports } from './gateway.ts';

let work: string | undefined;
let daemon: Daemon | undefined;
const envoys: EnvoyHandle[] = [];
const backends: Array<Awaited<ReturnType<typeof namedBackend>>> = [];

afterAll(async () => {
  await Promise.all(envoys.map((e) => e.proc.stop()));
  await daemon?.stop();
  await Promise.all(backends.map((b) => close(b.server)));
  if (work) rmSync(work, { recursive: true, force: true });
});

interface HostView {
  priority: number;
  requests: number;
}

/** Per red backend (by port): the priority this Envoy applied and the requests it sent there (admin /clusters). */
async function hosts(envoy: EnvoyHandle, byPort: Map<number, string>): Promise<Record<string, HostView>> {
  const out: Record<string, HostView> = {};
  for (const line of (await envoy.admin('/clusters')).split('\n')) {
    const m = /::127\.0\.0\.1:(\d+)::(priority|rq_total)::(\d+)$/.exec(line);
    const name = m ? byPort.get(Number(m[1])) : undefined;
    if (!m || !name) continue;
    out[name] ??= { priority: -1, requests: 0 };
    const h = out[name];
    if (m[2] === 'priority') h.priority = Number(m[3]);
    else h.requests += Number(m[3]);
  }
  return out;
}

it('each replica of one gateway keeps traffic in its own zone', async () => {
  const p = await ports();
  const [a1, a2, b1] = [await namedBackend('a1'), await namedBackend('a2'), await namedBackend('b1')];
  backends.push(a1, a2, b1);
  const redEndpoints = `{ static: { endpoints: [{ address: 127.0.0.1, port: ${a1.port}, zone: zone-a }, { address: 127.0.0.1, port: ${a2.port}, zone: zone-a }, { address: 127.0.0.1, port: ${b1.port}, zone: zone-b }] } }`;
  const mesh = meshYaml(p).replace(
    /(name: red, mesh: m \}\nspec:\n {2}listeners: .*\n {2}serviceDiscovery: ).*/,
    `$1${redEndpoints}`,
  );
  expect(mesh).toContain(`port: ${b1.port}, zone: zone-b`);

  work = mkdtempSync(join(tmpdir(), 'plexus-zone-'));
  initRepo(work);
  writeFileSync(join(work, 'mesh.yaml'), mesh);
  writeFileSync(
    join(work, 'policies.yaml'),
    policy('TrafficPolicy', 'local-first', GATEWAY, '  zoneAware: { preferLocalZone: true }\n'),
  );
  const sha = commitAll(work, 'gateway with a zone preference');
  daemon = await startDaemon({
    repo: work,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    translateOptions: { listenAddress: '127.0.0.1', egressPort: p.egress, proxyless: false },
    drainMs: 300,
    logger: pino({ level: 'warn' }),
  });
  await waitFor(() => daemon!.status.applied === sha, { timeoutMs: 30_000, what: 'the commit applied' });
  for (const zone of ['zone-a', 'zone-b']) {
    envoys.push(await startEnvoy(GATEWAY_ID, daemon.xdsPort, 'GRPC', { locality: { region: 'r1', zone } }));
  }
  const [inA, inB] = envoys as [EnvoyHandle, EnvoyHandle];
  const byPort = new Map([a1, a2, b1].map((b) => [b.port, b.name]));
  const priorities = async (envoy: EnvoyHandle) =>
    Object.entries(await hosts(envoy, byPort))
      .map(([k, h]) => `${k}:${h.priority}`)
      .sort()
      .join(' ');
  // Each replica ranks its own zone first: the daemon sent the two streams of one proxy different endpoints.
  await waitFor(async () => (await priorities(inA)) === 'a1:0 a2:0 b1:1', {
    timeoutMs: 30_000,
    what: 'zone-a replica: a1, a2 first',
  });
  await waitFor(async () => (await priorities(inB)) === 'a1:1 a2:1 b1:0', {
    timeoutMs: 30_000,
    what: 'zone-b replica: b1 first',
  });
  await waitFor(async () => (await get(p.gateway, '/ready', { connection: 'close' })).status === 200, {
    timeoutMs: 30_000,
    what: 'traffic through the gateway',
  });

  const sent = async () => {
    const views = [await hosts(inA, byPort), await hosts(inB, byPort)];
    return views.map((v) => Object.fromEntries(Object.entries(v).map(([k, h]) => [k, h.requests])));
  };
  const before = await sent();
  const N = 80;
  for (let i = 0; i < N; i++) {
    const r = await get(p.gateway, `/z/${i}`, { connection: 'close' });
    expect(r.status).toBe(200);
  }
  const after = await sent();
  const [fromA, fromB] = after.map((a, i) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([k, v]) => [k, v - (before[i]![k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    ),
  );
  if (process.env.PLEXUS_SHOW_ZONES) console.log(JSON.stringify({ fromA, fromB }));
  // Whatever each replica forwarded went to its own zone, and every request was forwarded.
  expect(Object.keys(fromA!).every((k) => k === 'a1' || k === 'a2')).toBe(true);
  expect(Object.keys(fromB!).every((k) => k === 'b1')).toBe(true);
  const total = [...Object.values(fromA!), ...Object.values(fromB!)].reduce((x, y) => x + y, 0);
  expect(total).toBe(N);
}, 120_000);
