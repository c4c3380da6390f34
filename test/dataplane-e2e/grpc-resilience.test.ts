/**
 * Issue #4, proxyless half: App Mesh grpcRoutes translated by Plexus (full output, api_listeners included),
 * served over ADS to a real @grpc/grpc-js-xds client dialing `xds:///echo.gres.local`, in front of real gRPC
 * servers.
 */
import * as grpc from '@grpc/grpc-js';
import * as grpcXds from '@grpc/grpc-js-xds';
import { rawBytes as raw, waitFor, xdsClient } from '@plexus/testkit';
import { names } from '@plexus/translate';
import { XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateSpec } from './mesh.ts';

const MESH = 'gres';
const SERVICE = `echo.${MESH}.local`;
const CLIENT = `mesh/${MESH}/virtualNode/gclient`;
const PKG = 'plexus.test.Echo';
const METHODS = ['Who', 'Other', 'Flaky', 'FlakyNoRetry', 'Slow', 'Od'] as const;
type Method = (typeof METHODS)[number];
const NODES = ['galpha', 'gbeta', 'gmethod', 'gflaky', 'gslow'] as const;
/** Five endpoints behind one node: grpc-js's outlier detection (success rate) needs at least five hosts. */
const POOL = 5;
/**
 * grpc-js judges success rates on a timer, once per interval, over the calls of the interval just ended, and only
 * when each of the five hosts had success_rate_request_volume (100) calls in it: 500 calls per interval, 100
 * RPC/s at 5 s (a loaded 2-core machine does over 1,000). The first check after the endpoint turns bad sees a
 * partial interval and may not eject it, so the ejection comes within two intervals of time, not of calls.
 */
const OD_INTERVAL_S = 5;

const definition = Object.fromEntries(
  METHODS.map((m) => [
    m,
    {
      path: `/${PKG}/${m}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: raw,
      requestDeserialize: raw,
      responseSerialize: raw,
      responseDeserialize: raw,
    },
  ]),
);

interface Outcome {
  code?: grpc.status;
  delayMs?: number;
}

/** A real gRPC server answering every method with its name; `behave` may fail or delay a call. */
class EchoServer {
  hits = 0;
  behave: (hit: number, method: Method) => Outcome = () => ({});
  readonly server = new grpc.Server();
  port = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  readonly name: string;
  constructor(name: string) {
    this.name = name;
    const handler = (method: Method) => (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
      const o = this.behave(++this.hits, method);
      const answer = () =>
        o.code ? cb({ code: o.code, details: `${this.name} fails` }) : cb(null, Buffer.from(this.name));
      if (!o.delayMs) return answer();
      const t = setTimeout(() => {
        this.timers.delete(t);
        answer();
      }, o.delayMs);
      this.timers.add(t);
    };
    this.server.addService(definition, Object.fromEntries(METHODS.map((m) => [m, handler(m)])));
  }

  async listen(): Promise<this> {
    this.port = await new Promise<number>((res, rej) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? rej(e) : res(p),
      ),
    );
    return this;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.server.forceShutdown();
  }
}

const node = (name: string, ports: number[], extra = '') => `
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: ${MESH} }
spec:
  listeners:
    - portMapping: { port: ${ports[0]}, protocol: grpc }${extra}
  serviceDiscovery:
    static:
      endpoints: [${ports.map((p) => `{ address: 127.0.0.1, port: ${p} }`).join(', ')}]
`;

const route = (name: string, priority: number, body: string, target: string) => `
apiVersion: plexus/v1
kind: Route
metadata: { name: ${name}, mesh: ${MESH}, virtualRouter: echo }
spec:
  priority: ${priority}
  grpcRoute:${body}
    action: { weightedTargets: [{ virtualNode: ${target}, weight: 1 }] }
`;

const poolNode = (pool: number[]) =>
  node(
    'gpool',
    pool,
    `
      outlierDetection:
        maxServerErrors: 3
        maxEjectionPercent: 40
        interval: { value: ${OD_INTERVAL_S}, unit: s }
        baseEjectionDuration: { value: 60, unit: s }`,
  );

function meshYaml(ports: Record<string, number>, pool: number[] = []): string {
  return [
    `apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: ${MESH} }\nspec: {}\n`,
    `
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: gclient, mesh: ${MESH} }
spec:
  backends: [{ virtualService: { virtualServiceName: ${SERVICE} } }]
`,
    `
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${SERVICE}, mesh: ${MESH} }
spec: { provider: { virtualRouter: { virtualRouterName: echo } } }
`,
    `
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: echo, mesh: ${MESH} }
spec:
  listeners: [{ portMapping: { port: 50051, protocol: grpc } }]
`,
    ...NODES.map((n) => node(n, [ports[n]!])),
    ...(pool.length
      ? [
          poolNode(pool),
          route('outlier', 60, `\n    match: { serviceName: ${PKG}, methodName: Od }`, 'gpool'),
        ]
      : []),
    route(
      'by-metadata',
      10,
      `\n    match:\n      serviceName: ${PKG}\n      metadata: [{ name: x-variant, match: { exact: beta } }]`,
      'gbeta',
    ),
    route('by-method', 20, `\n    match: { serviceName: ${PKG}, methodName: Other }`, 'gmethod'),
    route(
      'retrying',
      30,
      `
    match: { serviceName: ${PKG}, methodName: Flaky }
    retryPolicy:
      grpcRetryEvents: [unavailable]
      maxRetries: 3
      perRetryTimeout: { value: 2, unit: s }`,
      'gflaky',
    ),
    route('not-retrying', 40, `\n    match: { serviceName: ${PKG}, methodName: FlakyNoRetry }`, 'gflaky'),
    route(
      'per-request-timeout',
      50,
      `\n    match: { serviceName: ${PKG}, methodName: Slow }\n    timeout: { perRequest: { value: 1, unit: s } }`,
      'gslow',
    ),
    route('catch-all', 1000, `\n    match: { serviceName: ${PKG} }`, 'galpha'),
  ].join('---\n');
}

/** A real grpc-js-xds channel to `xds:///echo.gres.local` with its own bootstrap, speaking for CLIENT. */
function echoXdsClient(xdsPort: number): grpc.Client {
  return xdsClient(`xds:///${SERVICE}`, CLIENT, xdsPort);
}

function caller(get: () => grpc.Client) {
  const rpc = (method: Method, metadata: Record<string, string> = {}, deadlineMs = 5000) =>
    new Promise<string>((resolve, reject) => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      get().makeUnaryRequest(
        `/${PKG}/${method}`,
        raw,
        raw,
        Buffer.alloc(0),
        md,
        { deadline: Date.now() + deadlineMs },
        (e, r) => (e ? reject(e) : resolve(r!.toString())),
      );
    });
  const code = (p: Promise<string>) =>
    p.then(
      () => grpc.status.OK,
      (e: grpc.ServiceError) => e.code,
    );
  return { rpc, code };
}

async function startServers(): Promise<Record<string, EchoServer>> {
  const servers: Record<string, EchoServer> = {};
  for (const n of NODES) servers[n] = await new EchoServer(n).listen();
  return servers;
}

const portsOf = (servers: Record<string, EchoServer>) =>
  Object.fromEntries(NODES.map((n) => [n, servers[n]!.port]));

describe('App Mesh gRPC routes through proxyless @grpc/grpc-js-xds (spec → translate → ADS → grpc-js)', () => {
  let xds: XdsServer;
  let client: grpc.Client;
  let servers: Record<string, EchoServer> = {};
  const { rpc, code } = caller(() => client);

  beforeAll(async () => {
    grpcXds.register();
    servers = await startServers();
    xds = new XdsServer({ resolveProxy: (n) => n.id });
    const xdsPort = await xds.listen('127.0.0.1:0');
    // the translator's full output, api_listeners included
    xds.setProxyConfig(CLIENT, translateSpec(meshYaml(portsOf(servers)), CLIENT, {}), { revision: 'g1' });
    client = echoXdsClient(xdsPort);
    await waitFor(async () => (await rpc('Who')) === 'galpha', { timeoutMs: 30_000, what: 'first RPC' });
  });

  afterAll(async () => {
    client?.close();
    for (const s of Object.values(servers)) s.close();
    await xds?.shutdown(500);
  });

  it('the client ACKed every resource type it subscribed to, NACKing none', () => {
    const st = xds.status().find((s) => s.proxyKey === CLIENT)!;
    expect(st.nacked).toEqual({});
    expect(Object.keys(st.acked)).toHaveLength(4);
  });

  it('6. metadata (header) and method-name matches pick their own targets', async () => {
    expect(await rpc('Who')).toBe('galpha');
    expect(await rpc('Who', { 'x-variant': 'beta' })).toBe('gbeta');
    expect(await rpc('Who', { 'x-variant': 'alpha' })).toBe('galpha');
    expect(await rpc('Other')).toBe('gmethod');
    // priority: the metadata route (10) wins over the method route (20)
    expect(await rpc('Other', { 'x-variant': 'beta' })).toBe('gbeta');
  });

  it('7. grpcRetryEvents [unavailable] turns a backend UNAVAILABLE into success; without it the call fails', async () => {
    const flaky = servers.gflaky!;
    flaky.behave = (hit) => (hit % 2 === 1 ? { code: grpc.status.UNAVAILABLE } : {});
    flaky.hits = 0;
    const without: grpc.status[] = [];
    for (let i = 0; i < 20; i++) without.push(await code(rpc('FlakyNoRetry')));
    expect(without.filter((c) => c === grpc.status.UNAVAILABLE).length).toBeGreaterThanOrEqual(8);
    flaky.hits = 0;
    const with_: string[] = [];
    for (let i = 0; i < 20; i++) with_.push(await rpc('Flaky'));
    expect(with_).toEqual(Array(20).fill('gflaky'));
    expect(flaky.hits).toBeGreaterThanOrEqual(39);
  });

  it('8. timeout.perRequest 1 s → DEADLINE_EXCEEDED on a backend taking 3 s (caller allows 10 s)', async () => {
    servers.gslow!.behave = () => ({ delayMs: 3000 });
    const err = await rpc('Slow', {}, 10_000).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  });
});

/**
 * grpc-js-xds reads only success-rate and failure-percentage ejection from a cluster's outlier_detection (gRFC
 * A50; consecutive_5xx is ignored), and crashes in a timer when the success_rate_* fields are unset: the
 * translator writes Envoy's documented success-rate defaults out, so the translated config is served as is.
 */
describe('App Mesh outlierDetection with proxyless gRPC', () => {
  let xds: XdsServer;
  let client: grpc.Client;
  let servers: Record<string, EchoServer> = {};
  const pool: EchoServer[] = [];
  const { rpc, code } = caller(() => client);
  beforeAll(async () => {
    grpcXds.register();
    servers = await startServers();
    for (let i = 0; i < POOL; i++) pool.push(await new EchoServer(`gpool-${i}`).listen());
    xds = new XdsServer({ resolveProxy: (n) => n.id });
    const xdsPort = await xds.listen('127.0.0.1:0');
    const yaml = meshYaml(
      portsOf(servers),
      pool.map((s) => s.port),
    );
    const cfg = translateSpec(yaml, CLIENT, {});
    const cluster = cfg.clusters.find(
      (c) => c.name === names.egressCluster(MESH, 'gpool', 'grpc', pool[0]!.port),
    )!;
    // Envoy's consecutive-5xx ejection, plus Envoy's success-rate defaults written out for gRPC's sake
    expect(cluster.outlier_detection).toEqual({
      consecutive_5xx: 3,
      max_ejection_percent: 40,
      interval: `${OD_INTERVAL_S}s`,
      base_ejection_time: '60s',
      enforcing_success_rate: 100,
      success_rate_minimum_hosts: 5,
      success_rate_request_volume: 100,
      success_rate_stdev_factor: 1900,
    });
    xds.setProxyConfig(CLIENT, cfg, { revision: 'od1' });
    client = echoXdsClient(xdsPort);
    await waitFor(async () => (await rpc('Who')) === 'galpha', { timeoutMs: 30_000, what: 'first RPC' });
  });

  afterAll(async () => {
    client?.close();
    for (const s of [...Object.values(servers), ...pool]) s.close();
    await xds?.shutdown(500);
  });

  it('9. grpc-js ejects the failing one of five endpoints (success-rate ejection) and then avoids it', async () => {
    const bad = pool[0]!;
    bad.behave = () => ({ code: grpc.status.INTERNAL });
    const shares: number[] = [];
    const rates: number[] = [];
    let badShare = 1;
    // Rounds of 400 RPCs until a round reaches the bad endpoint no more, bounded in time (see OD_INTERVAL_S).
    const deadline = Date.now() + 3 * OD_INTERVAL_S * 1000 + 15_000;
    while (badShare > 0 && Date.now() < deadline) {
      const before = bad.hits;
      const started = Date.now();
      let left = 400;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (left-- > 0) await code(rpc('Od'));
        }),
      );
      rates.push(Math.round(400_000 / (Date.now() - started)));
      badShare = (bad.hits - before) / 400;
      shares.push(badShare);
    }
    const trace = `bad share per round ${shares.join(' ')}; RPC/s per round ${rates.join(' ')}`;
    expect(shares[0], trace).toBeGreaterThan(0.1); // round robin reached the failing endpoint before its ejection
    expect(badShare, trace).toBe(0);
    const after: grpc.status[] = [];
    for (let i = 0; i < 50; i++) after.push(await code(rpc('Od')));
    expect(after.every((c) => c === grpc.status.OK)).toBe(true);
  });
});
