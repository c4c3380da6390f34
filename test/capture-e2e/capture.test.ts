/**
 * Transparent capture as App Mesh did it. Two network namespaces stand for two hosts: `mesh` holds the `front`
 * task (its unmodified app, its Envoy sidecar, the Plexus daemon and the colorteller apps) and `peer` is another
 * host calling front. Apps know nothing of Envoy: they call services by name and port with Node's stock http client.
 * Names resolve through each namespace's /etc/hosts (App Mesh users had to create such DNS records). App Mesh's
 * proxy-init iptables rules redirect the app's outbound TCP to Envoy's egress port 15001 and inbound traffic for
 * front's app port to the ingress port 15000; Envoy runs as uid 1337 (exempt from the redirect), bootstrapped by
 * `plexus bootstrap` and fed over xDS by `plexus run` from a git repo holding the colorapp specs, whose route splits
 * 3:1 between colorteller-red and colorteller-blue. A last commit switches the mesh to ALLOW_ALL, which must let
 * the app reach an unmodelled destination on the other host through Envoy's original-destination passthrough.
 * Every address is in 127.0.0.0/8; see README.md for the picture.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, type Started, startProcess, waitFor, worldReachable } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envoyExecutable } from './envoy-exe.ts';
import { colorappRepo, commitEgressFilter } from './mesh-repo.ts';
import {
  addRoute,
  createNetNs,
  linkNamespaces,
  type NetNs,
  netnsUnavailableReason,
  removeStaleNetNs,
} from './netns.ts';
import { installProxyInit } from './proxy-init.ts';

const run = promisify(execFile);

const NODE = worldReachable(join(repoRoot, 'node_modules/.bin/node'));
const PLEXUS = join(repoRoot, 'packages/cli/bin/plexus.js');
const FIXTURES = worldReachable(join(repoRoot, 'test/capture-e2e/fixtures'));

// Ports from examples/colorapp/README.md. Each namespace has its own port space: fixed ports cannot collide.
const COLORTELLER = 'colorteller.colorapp.local';
const COLORTELLER_PORT = 9080;
const FRONT = 'front.colorapp.local';
const FRONT_PORT = 9080; // front's listener: the app port proxy init redirects to the ingress port
const TELLER_PORTS = { red: 9081, blue: 9082 };
const WEIGHTS = { red: 3, blue: 1 };
// Addresses: the virtual-service VIPs the names resolve to, and a 127.x "wire" between the two hosts.
const VIP_RANGE = '127.10.0.0/16';
const COLORTELLER_VIP = '127.10.0.2';
const MESH_HOST = '127.20.0.1';
const PEER_HOST = '127.20.0.2';
const EXTERNAL_PORT = 8080; // a service on the other host that the mesh does not model
const XDS = '127.0.0.1:18000';
const HTTP = '127.0.0.1:9090';
const ADMIN_PORT = 9901;
const ENVOY_UID = 1337;
const APP_UID = 2001;
const REQUESTS = 400;

let unavailable: string | null = null;
let mesh: NetNs | undefined;
let peer: NetNs | undefined;
let workDir: string | undefined;
let repo = '';
let commit = '';
let envoy: Started | undefined;
const started: Started[] = [];

function ns(which: NetNs | undefined): NetNs {
  if (!which) throw new Error(`capture e2e did not set up: ${unavailable ?? 'see the beforeAll error'}`);
  return which;
}

function asUid(uid: number): string[] {
  return ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
}

/** Starts a long-running process inside a namespace (ip netns exec and setpriv exec, so stop() hits it by pid). */
function startIn(where: NetNs, args: string[], uid?: number): Started {
  const [cmd, ...prefix] = where.prefix;
  const p = startProcess(cmd as string, [...prefix, ...(uid === undefined ? [] : asUid(uid)), ...args], {
    cwd: repoRoot,
  });
  started.push(p);
  return p;
}

/** GET inside the mesh namespace as root, to 127.0.0.1: a LOCAL destination, so never redirected. */
async function meshGet(url: string): Promise<string> {
  const r = await ns(mesh).exec('curl', ['-sf', '--max-time', '3', url]);
  if (r.code !== 0) throw new Error(`GET ${url}: curl exit ${r.code} ${r.stderr}`);
  return r.stdout;
}

/** Runs the unmodified client (call.mjs) in a namespace as APP_UID: `count` GETs of `url`, body → count. */
async function call(where: NetNs, url: string, count: number): Promise<Record<string, number>> {
  const r = await execAs(where, APP_UID, [NODE, join(FIXTURES, 'call.mjs'), url, String(count)], 30_000);
  if (r.code !== 0) throw new Error(`call.mjs exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

/** Runs a command to completion inside a namespace as `uid`. */
function execAs(where: NetNs, uid: number, argv: string[], timeoutMs?: number) {
  return where.exec('setpriv', [...asUid(uid).slice(1), ...argv], timeoutMs);
}

interface Status {
  revision: { applied: string | null };
  proxies: { node: string; connected: boolean; revision: string; nacked: object }[];
}

async function status(): Promise<Status> {
  return JSON.parse(await meshGet(`http://${HTTP}/api/v1/status`)) as Status;
}

async function envoyStats(): Promise<Map<string, number>> {
  const text = await meshGet(
    `http://127.0.0.1:${ADMIN_PORT}/stats?filter=${encodeURIComponent('(gress|cds_|no_filter_chain_match)')}`,
  );
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const i = line.lastIndexOf(': ');
    if (i > 0) m.set(line.slice(0, i), Number(line.slice(i + 2)));
  }
  return m;
}

/** Packets the REDIRECT rule of a proxy-init chain has matched (one per new connection: nat sees only those). */
async function redirected(chain: 'APPMESH_EGRESS' | 'APPMESH_INGRESS'): Promise<number> {
  const r = await ns(mesh).exec('iptables', ['-t', 'nat', '-L', chain, '-v', '-n', '-x']);
  const line = r.stdout.split('\n').find((l) => l.includes('REDIRECT'));
  if (!line) throw new Error(`no REDIRECT rule in ${chain}:\n${r.stdout}`);
  return Number(line.trim().split(/\s+/)[0]);
}

function logs(): string {
  return started
    .map((p) => `--- ${p.proc.spawnargs.slice(4).join(' ')}\n${p.output().slice(-3000)}`)
    .join('\n');
}

async function withLogs<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${logs()}`);
  }
}

beforeAll(async () => {
  unavailable = await netnsUnavailableReason();
  if (unavailable) return;
  await removeStaleNetNs(['plx-cap', 'plx-peer']);

  workDir = mkdtempSync(join(tmpdir(), 'plexus-capture-e2e-'));
  chmodSync(workDir, 0o755); // Envoy (uid 1337) reads its bootstrap from here
  repo = join(workDir, 'repo');
  mkdirSync(repo);
  commit = colorappRepo(repo, WEIGHTS);

  mesh = await createNetNs('plx-cap');
  peer = await createNetNs('plx-peer');
  await linkNamespaces(mesh, MESH_HOST, peer, PEER_HOST);
  // The VIPs are remote, as App Mesh's were: routed toward the other host, which does not own them.
  await addRoute(mesh, VIP_RANGE, PEER_HOST, MESH_HOST);
  mesh.writeHosts({ [COLORTELLER]: COLORTELLER_VIP });
  peer.writeHosts({ [FRONT]: MESH_HOST });
  await installProxyInit(mesh, {
    ignoreUid: ENVOY_UID,
    appPorts: [FRONT_PORT],
    ingressPort: 15000,
    egressPort: 15001,
  });

  const tellers = Object.entries(TELLER_PORTS).map(([c, p]) => `${c}=${p}`);
  startIn(mesh, [NODE, join(FIXTURES, 'colortellers.mjs'), ...tellers]);
  startIn(
    mesh,
    [NODE, join(FIXTURES, 'front.mjs'), String(FRONT_PORT), `http://${COLORTELLER}:${COLORTELLER_PORT}/`],
    APP_UID,
  );
  startIn(peer, [NODE, join(FIXTURES, 'colortellers.mjs'), `external=${PEER_HOST}:${EXTERNAL_PORT}`]);
  startIn(mesh, [NODE, PLEXUS, 'run', '--repo', repo, '--xds-listen', XDS, '--http-listen', HTTP]);

  const { stdout: bootstrap } = await run(NODE, [
    PLEXUS,
    'bootstrap',
    '--node',
    'mesh/colorapp/virtualNode/front',
    '--xds-address',
    XDS,
    '--admin-address',
    '127.0.0.1',
    '--admin-port',
    String(ADMIN_PORT),
  ]);
  const bootstrapFile = join(workDir, 'front-envoy.yaml');
  writeFileSync(bootstrapFile, bootstrap, { mode: 0o644 });

  envoy = startIn(
    mesh,
    [envoyExecutable(), '-c', bootstrapFile, '--disable-hot-restart', '--concurrency', '1', '-l', 'warning'],
    ENVOY_UID,
  );
  await withLogs(
    waitFor(async () => Boolean(await meshGet(`http://${HTTP}/readyz`)), {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: "the daemon's /readyz",
    }),
  );
  // Listeners, routes and endpoints arrive in turn: wait for the first answer through the mesh.
  await withLogs(
    waitFor(
      async () => {
        const counts = await call(mesh as NetNs, `http://${COLORTELLER}:${COLORTELLER_PORT}/`, 1);
        return Boolean(counts.red || counts.blue);
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a first answer through the captured egress' },
    ),
  );
}, 90_000);

afterAll(async () => {
  if (process.env.CAPTURE_E2E_LOGS) console.log(logs()); // every process's output, for debugging
  for (const p of started.reverse()) await p.stop().catch(() => undefined);
  for (const n of [mesh, peer]) {
    if (!n) continue;
    // Anything still inside our (uniquely named) namespaces was started by this test.
    const left = await run('ip', ['netns', 'pids', n.name]).catch(() => ({ stdout: '' }));
    for (const pid of left.stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await n.destroy();
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('transparent capture (App Mesh proxy init) in network namespaces', () => {
  it('can create network namespaces and use iptables here', () => {
    // No skip: on a machine without root or iproute2/iptables this fails and says why.
    expect(unavailable, `capture e2e cannot run: ${unavailable}`).toBeNull();
  });

  it('resolves the virtual service name to a remote loopback VIP where nothing answers', async () => {
    const hosts = await ns(mesh).exec('getent', ['hosts', COLORTELLER]);
    expect(hosts.stdout.trim().split(/\s+/)).toEqual([COLORTELLER_VIP, COLORTELLER]);
    // Envoy's uid is exempt from the redirect: connecting as 1337 goes to the bare VIP, toward the other host,
    // which does not own it. So whatever the app gets back can only have come through the redirect to Envoy.
    const url = `http://${COLORTELLER}:${COLORTELLER_PORT}/`;
    const bypass = await execAs(ns(mesh), ENVOY_UID, ['curl', '-s', '--max-time', '2', url]);
    expect([7, 28], `curl as uid ${ENVOY_UID}: exit ${bypass.code} ${bypass.stdout}`).toContain(bypass.code);
  });

  it('the daemon serves the sidecar the committed revision, which Envoy ACKed', async () => {
    const s = await status();
    expect(s.revision.applied).toBe(commit);
    const front = s.proxies.find((p) => p.node === 'mesh/colorapp/virtualNode/front');
    expect(front, JSON.stringify(s)).toMatchObject({ connected: true, revision: commit, nacked: {} });
    // Nothing in the push was dropped either (e.g. proxyless api_listeners, which a sidecar cannot take).
    expect(envoy?.output()).not.toMatch(/can not be added|rejected/);
  });

  it('egress: the unmodified app reaches the weighted targets by name and port', async () => {
    const before = await envoyStats();
    const redirectsBefore = await redirected('APPMESH_EGRESS');
    const counts = await call(ns(mesh), `http://${COLORTELLER}:${COLORTELLER_PORT}/`, REQUESTS);
    expect(Object.keys(counts).sort(), JSON.stringify(counts)).toEqual(['blue', 'red']);
    const red = counts.red ?? 0;
    const blue = counts.blue ?? 0;
    expect(red + blue).toBe(REQUESTS);
    // 3:1 → red share 0.75; n=400 gives a standard deviation of ~0.022, so this band is > 4 sigma wide.
    expect(red / REQUESTS).toBeGreaterThan(0.65);
    expect(red / REQUESTS).toBeLessThan(0.85);

    // Envoy's egress listener saw every request, each cluster served what the app counted, and the app's
    // connection(s) went through the nat REDIRECT.
    const after = await envoyStats();
    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    expect(delta('http.egress.downstream_rq_2xx')).toBe(REQUESTS);
    expect(delta('cluster.cds_egress_colorapp_colorteller-red_http_9081.upstream_rq_2xx')).toBe(red);
    expect(delta('cluster.cds_egress_colorapp_colorteller-blue_http_9082.upstream_rq_2xx')).toBe(blue);
    expect(await redirected('APPMESH_EGRESS')).toBeGreaterThan(redirectsBefore);
  });

  it('ingress and egress: another host calls front, whose sidecar takes it in and out', async () => {
    const before = await envoyStats();
    const ingressBefore = await redirected('APPMESH_INGRESS');
    const n = 200;
    const counts = await call(ns(peer), `http://${FRONT}:${FRONT_PORT}/`, n);
    expect(Object.keys(counts).sort(), JSON.stringify(counts)).toEqual(['blue', 'red']);
    expect((counts.red ?? 0) + (counts.blue ?? 0)).toBe(n);

    const after = await envoyStats();
    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    // In through lds_ingress_0.0.0.0_15000 to front's local cluster, out through the egress listener.
    expect(delta('http.ingress.downstream_rq_2xx')).toBe(n);
    expect(delta('cluster.cds_ingress_colorapp_front_http_9080.upstream_rq_2xx')).toBe(n);
    expect(delta('http.egress.downstream_rq_2xx')).toBe(n);
    expect(await redirected('APPMESH_INGRESS')).toBeGreaterThan(ingressBefore);
  });

  it('egress filter: DROP_ALL stops an unmodelled destination; a commit of ALLOW_ALL passes it through', async () => {
    const external = `http://${PEER_HOST}:${EXTERNAL_PORT}/`;
    // The other host serves it (no capture there)...
    const direct = await ns(peer).exec('curl', ['-s', '--max-time', '3', external]);
    expect(direct.stdout).toBe('external');
    // ...but from the app it is captured, and Envoy has no filter chain for it under DROP_ALL.
    const before = await envoyStats();
    const dropped = await call(ns(mesh), external, 3);
    expect(dropped.external, JSON.stringify(dropped)).toBeUndefined();
    const mid = await envoyStats();
    expect(
      (mid.get('listener.0.0.0.0_15001.no_filter_chain_match') ?? 0) -
        (before.get('listener.0.0.0.0_15001.no_filter_chain_match') ?? 0),
    ).toBe(3);

    const sha = commitEgressFilter(repo, 'ALLOW_ALL');
    await waitFor(
      async () => {
        const s = await status();
        const front = s.proxies.find((p) => p.node === 'mesh/colorapp/virtualNode/front');
        return (
          s.revision.applied === sha && front?.revision === sha && Object.keys(front.nacked).length === 0
        );
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the ALLOW_ALL commit to reach the sidecar' },
    );
    // Envoy forwards to the address the app dialled (ORIGINAL_DST cluster behind the redirect).
    await waitFor(async () => (await call(ns(mesh), external, 1)).external === 1, {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'passthrough to the unmodelled destination',
    });
    const allowAll = 'cluster.cds_egress_colorapp_mesh-allow-all.upstream_cx_total';
    const cxBefore = (await envoyStats()).get(allowAll) ?? 0;
    const passed = await call(ns(mesh), external, 5);
    expect(passed).toEqual({ external: 5 });
    // call.mjs keeps its connection alive: at least one new upstream connection through the passthrough cluster.
    expect(((await envoyStats()).get(allowAll) ?? 0) - cxBefore).toBeGreaterThanOrEqual(1);
    // The modelled service still routes by name over the weighted targets.
    const counts = await call(ns(mesh), `http://${COLORTELLER}:${COLORTELLER_PORT}/`, 40);
    expect(Object.keys(counts).sort(), JSON.stringify(counts)).toEqual(['blue', 'red']);
  });
});
