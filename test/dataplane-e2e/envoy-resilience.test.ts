/**
 * Issue #4, Envoy half: App Mesh routing and resilience features written as native plexus/v1 specs, translated
 * by Plexus, served over ADS and enforced by real Envoy 1.40 sidecars in front of real HTTP backends.
 */
import { connect } from 'node:net';
import { freePort, waitFor } from '@plexus/testkit';
import { names } from '@plexus/translate';
import { XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvoyHandle, startEnvoy } from '../xds-e2e/helpers.ts';
import { Backend, call, type Reply, sidecarConfig, stat } from './mesh.ts';

const MESH = 'res';
const SERVICE = 'api.res.local';
const HOST = `${SERVICE}:8080`;
const CLIENT = `mesh/${MESH}/virtualNode/client`;
const GUARDED = `mesh/${MESH}/virtualNode/guarded`;
const TARGETS = ['base', 'hdr', 'exact', 'prefix', 'query', 'method', 'flaky', 'slow'] as const;
type Target = (typeof TARGETS)[number];

const node = (name: string, port: number, extra = '', endpoints = [port]) => `
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: ${MESH} }
spec:
  listeners:
    - portMapping: { port: ${port}, protocol: http }${extra}
  serviceDiscovery:
    static:
      endpoints: [${endpoints.map((p) => `{ address: 127.0.0.1, port: ${p} }`).join(', ')}]
`;

const route = (name: string, priority: number, body: string) => `
apiVersion: plexus/v1
kind: Route
metadata: { name: ${name}, mesh: ${MESH}, virtualRouter: api }
spec:
  priority: ${priority}
  httpRoute:${body}
`;

const to = (target: string) => `
    action: { weightedTargets: [{ virtualNode: ${target}, weight: 1 }] }`;

interface Ports {
  backends: Record<Target, number>;
  odGood: number;
  odBad: number;
  guardedApp: number;
  guardedIngress: number;
}

/** The whole mesh: one client node calling api.res.local, a router whose routes exercise each feature. */
function meshYaml(p: Ports): string {
  const docs = [
    `apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: ${MESH} }\nspec: {}\n`,
    `
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: client, mesh: ${MESH} }
spec:
  backends: [{ virtualService: { virtualServiceName: ${SERVICE} } }]
`,
    `
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${SERVICE}, mesh: ${MESH} }
spec: { provider: { virtualRouter: { virtualRouterName: api } } }
`,
    `
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: api, mesh: ${MESH} }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
`,
    ...TARGETS.map((t) => node(t, p.backends[t])),
    node(
      'pair',
      p.odGood,
      `
      outlierDetection:
        maxServerErrors: 3
        maxEjectionPercent: 50
        interval: { value: 1, unit: s }
        baseEjectionDuration: { value: 60, unit: s }`,
      [p.odGood, p.odBad],
    ),
    // the guarded node's listener is its app's port; its endpoint is its own sidecar's inbound port
    node(
      'guarded',
      p.guardedApp,
      `
      connectionPool:
        http: { maxConnections: 1, maxPendingRequests: 1 }
      timeout:
        http:
          idle: { value: 1, unit: s }`,
      [p.guardedIngress],
    ),
    route(
      'by-header',
      10,
      `\n    match:\n      prefix: /\n      headers: [{ name: x-variant, match: { exact: beta } }]${to('hdr')}`,
    ),
    route('by-exact-path', 20, `\n    match: { path: { exact: /exact } }${to('exact')}`),
    route('by-prefix', 30, `\n    match: { prefix: /pre/ }${to('prefix')}`),
    route(
      'by-query',
      40,
      `\n    match:\n      prefix: /\n      queryParameters: [{ name: v, match: { exact: '2' } }]${to('query')}`,
    ),
    route('by-method', 50, `\n    match: { prefix: /, method: POST }${to('method')}`),
    route(
      'retrying',
      60,
      `
    match: { prefix: /retry }
    retryPolicy:
      httpRetryEvents: [server-error, gateway-error]
      maxRetries: 3
      perRetryTimeout: { value: 2, unit: s }${to('flaky')}`,
    ),
    route('not-retrying', 70, `\n    match: { prefix: /noretry }${to('flaky')}`),
    route(
      'per-request-timeout',
      80,
      `\n    match: { prefix: /slow }\n    timeout: { perRequest: { value: 1, unit: s } }${to('slow')}`,
    ),
    route(
      'idle-timeout',
      90,
      `
    match: { prefix: /idle }
    timeout:
      perRequest: { value: 20, unit: s }
      idle: { value: 1, unit: s }${to('slow')}`,
    ),
    route('outlier', 100, `\n    match: { prefix: /od }${to('pair')}`),
    route('pooled', 110, `\n    match: { prefix: /pool }${to('guarded')}`),
    route('catch-all', 1000, `\n    match: { prefix: / }${to('base')}`),
  ];
  return docs.join('---\n');
}

describe('App Mesh resilience through a real Envoy sidecar (spec → translate → ADS → Envoy)', () => {
  let xds: XdsServer;
  let client: EnvoyHandle;
  let guarded: EnvoyHandle;
  const backends = {} as Record<Target | 'odGood' | 'odBad' | 'guardedApp', Backend>;
  let egress: number;
  let guardedIngress: number;
  const get = (path: string, o?: { method?: string; headers?: Record<string, string> }) =>
    call(egress, HOST, path, o);

  beforeAll(async () => {
    for (const name of [...TARGETS, 'odGood', 'odBad', 'guardedApp'] as const)
      backends[name] = await new Backend(name).listen();
    egress = await freePort();
    guardedIngress = await freePort();
    const yaml = meshYaml({
      backends: Object.fromEntries(TARGETS.map((t) => [t, backends[t].port])) as Record<Target, number>,
      odGood: backends.odGood.port,
      odBad: backends.odBad.port,
      guardedApp: backends.guardedApp.port,
      guardedIngress,
    });
    xds = new XdsServer({ resolveProxy: (n) => n.id });
    const xdsPort = await xds.listen('127.0.0.1:0');
    xds.setProxyConfig(CLIENT, sidecarConfig(yaml, CLIENT, { ingress: await freePort(), egress }), {
      revision: 'r1',
    });
    xds.setProxyConfig(
      GUARDED,
      sidecarConfig(yaml, GUARDED, { ingress: guardedIngress, egress: await freePort() }),
      {
        revision: 'r1',
      },
    );
    client = await startEnvoy(CLIENT, xdsPort, 'GRPC');
    guarded = await startEnvoy(GUARDED, xdsPort, 'GRPC');
    await waitFor(() => xds.converged(CLIENT) && xds.converged(GUARDED), {
      timeoutMs: 30_000,
      what: 'both sidecars ACKed',
    }).catch((e) => {
      console.log(JSON.stringify(xds.status(), null, 1));
      console.log(client.proc.output().slice(-3000), guarded.proc.output().slice(-3000));
      throw e;
    });
    await waitFor(async () => (await get('/')).body === 'base', { timeoutMs: 30_000, what: 'Envoy routing' });
  });

  afterAll(async () => {
    await client?.proc.stop();
    await guarded?.proc.stop();
    await xds?.shutdown(500);
    for (const b of Object.values(backends)) b.close();
  });

  it('accepted every resource (no NACK, no update_rejected)', async () => {
    for (const st of xds.status()) expect(st.nacked).toEqual({});
    for (const e of [client, guarded]) {
      const rejected = (await e.admin('/stats?filter=update_rejected'))
        .split('\n')
        .filter((l) => l.includes('update_rejected'))
        .map((l) => Number(l.split(':')[1]));
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected.every((v) => v === 0)).toBe(true);
    }
  });

  it('1. header, exact path, prefix, query parameter and method matches pick their own targets', async () => {
    expect((await get('/', { headers: { 'x-variant': 'beta' } })).body).toBe('hdr');
    expect((await get('/', { headers: { 'x-variant': 'alpha' } })).body).toBe('base');
    expect((await get('/exact')).body).toBe('exact');
    expect((await get('/exact/more')).body).toBe('base');
    expect((await get('/pre/a/b')).body).toBe('prefix');
    expect((await get('/pre')).body).toBe('base');
    expect((await get('/q?v=2')).body).toBe('query');
    expect((await get('/q?v=3')).body).toBe('base');
    expect((await get('/m', { method: 'POST' })).body).toBe('method');
    expect((await get('/m', { method: 'PUT' })).body).toBe('base');
    // priority: the header route (10) wins over the exact-path route (20)
    expect((await get('/exact', { headers: { 'x-variant': 'beta' } })).body).toBe('hdr');
  });

  it('2. retryPolicy (server-error, gateway-error) turns intermittent 503s into 200s; without it they fail', async () => {
    const flaky = backends.flaky;
    flaky.behave = (hit) => ({ status: hit % 2 === 1 ? 503 : 200 });
    flaky.hits = 0;
    const without: Reply[] = [];
    for (let i = 0; i < 20; i++) without.push(await get('/noretry'));
    expect(without.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(8);
    flaky.hits = 0;
    const with_: Reply[] = [];
    for (let i = 0; i < 20; i++) with_.push(await get('/retry'));
    expect(with_.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(flaky.hits).toBeGreaterThanOrEqual(39); // every other attempt failed and was retried
    const stats = await client.admin('/stats?filter=upstream_rq_retry');
    const cluster = names.egressCluster(MESH, 'flaky', 'http', flaky.port);
    expect(stat(stats, `cluster.${cluster}.upstream_rq_retry_success`)).toBeGreaterThanOrEqual(20);
  });

  it('3a. timeout.perRequest 1 s → 504 from Envoy on a backend that takes 3 s', async () => {
    backends.slow.behave = () => ({ status: 200, delayMs: 3000 });
    const r = await get('/slow');
    expect(r.status).toBe(504);
    expect(r.body).toBe('upstream request timeout');
  });

  it('3b. route timeout.idle 1 s → the silent stream is ended by Envoy (504 stream timeout)', async () => {
    backends.slow.behave = () => ({ status: 200, delayMs: 3000 });
    const r = await get('/idle');
    // Envoy's stream idle timeout while the upstream request is in flight: 504 "stream timeout" (not the
    // per-request timeout's "upstream request timeout")
    expect(r.status).toBe(504);
    expect(r.body).toBe('stream timeout');
  });

  it('3c. listener timeout.idle 1 s → Envoy closes an idle downstream connection', async () => {
    backends.guardedApp.behave = () => ({ status: 200 });
    const closedBy = await new Promise<string>((resolve, reject) => {
      const sock = connect(guardedIngress, '127.0.0.1');
      let got = '';
      const guard = setTimeout(() => {
        sock.destroy();
        resolve('still open after 10 s');
      }, 10_000);
      sock.on('error', reject);
      sock.on('data', (d) => {
        got += d.toString();
      });
      sock.on('close', () => {
        clearTimeout(guard);
        resolve(got.startsWith('HTTP/1.1 200') ? 'closed after a 200' : `closed: ${got.slice(0, 80)}`);
      });
      sock.write('GET / HTTP/1.1\r\nhost: guarded\r\nconnection: keep-alive\r\n\r\n');
    });
    expect(closedBy).toBe('closed after a 200');
    const stats = await guarded.admin('/stats?filter=idle_timeout');
    expect(stat(stats, 'http.ingress.downstream_cx_idle_timeout')).toBeGreaterThanOrEqual(1);
  });

  it('4. outlierDetection ejects the endpoint answering 5xx; traffic then goes to the healthy one', async () => {
    backends.odBad.behave = () => ({ status: 500 });
    const cluster = names.egressCluster(MESH, 'pair', 'http', backends.odGood.port);
    const ejections = async () =>
      stat(
        await client.admin(`/stats?filter=${cluster}.outlier`),
        `cluster.${cluster}.outlier_detection.ejections_enforced_total`,
      );
    await waitFor(
      async () => {
        for (let i = 0; i < 10; i++) await get('/od');
        return (await ejections()) >= 1;
      },
      { timeoutMs: 20_000, what: 'an outlier ejection' },
    );
    const stats = await client.admin(`/stats?filter=${cluster}.outlier`);
    expect(
      stat(stats, `cluster.${cluster}.outlier_detection.ejections_enforced_consecutive_5xx`),
    ).toBeGreaterThanOrEqual(1);
    const badBefore = backends.odBad.hits;
    const after: Reply[] = [];
    for (let i = 0; i < 30; i++) after.push(await get('/od'));
    expect(after.every((r) => r.status === 200 && r.body === 'odGood')).toBe(true);
    expect(backends.odBad.hits).toBe(badBefore);
  });

  it('5. connectionPool (maxConnections 1, maxPendingRequests 1) overflows under concurrent slow requests', async () => {
    backends.guardedApp.behave = () => ({ status: 200, delayMs: 1500 });
    const replies = await Promise.all(Array.from({ length: 10 }, () => get('/pool')));
    const ok = replies.filter((r) => r.status === 200).length;
    const overflowed = replies.filter((r) => r.status === 503).length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(overflowed).toBeGreaterThanOrEqual(1);
    expect(ok + overflowed).toBe(10);
    const cluster = names.ingressCluster(MESH, 'guarded', 'http', backends.guardedApp.port);
    const stats = await guarded.admin(`/stats?filter=${cluster}`);
    expect(stat(stats, `cluster.${cluster}.upstream_rq_pending_overflow`)).toBe(overflowed);
  });
});
