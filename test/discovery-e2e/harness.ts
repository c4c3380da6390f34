/**
 * Shared setup of the discovery end-to-end proofs: a mesh committed to a real git repo (git CLI), the daemon
 * in-process with the built-in discovery plugins, real gRPC echo servers on loopback, and a real
 * @grpc/grpc-js-xds client that dials the provider's virtual service by name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { register as registerXdsResolver } from '@grpc/grpc-js-xds';
import { type Daemon, type Discovery, grpcBootstrap, startDaemon, TOKENS } from '@plexus/daemon';
import type { DiscoverySettings, Endpoint } from '@plexus/plugin-api';
import {
  AdsClient,
  commitAll,
  ECHO_METHOD,
  initRepo,
  rawBytes,
  git as runGit,
  startEchoServer,
  waitFor,
  XdsTypes,
  xdsBootstrapOption,
} from '@plexus/testkit';
import { pino } from 'pino';

export const MESH = 'disco';
export const PROVIDER = 'echo';
export const CLIENT = 'caller';
export const SERVICE = 'echo.disco.local';

/** True for an IPv4 loopback address (the only kind a test client may connect to on this machine). */
export const isLoopback = (address: string): boolean => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);

export interface EchoServer {
  /** `host:port`, also what it answers. */
  id: string;
  host: string;
  port: number;
  stop(): void;
}

/** A real gRPC server on `host:port` (a 127.x address; port 0 = any) answering every call with its `host:port`. */
export async function startEcho(host: string, port = 0): Promise<EchoServer> {
  if (!isLoopback(host)) throw new Error(`refusing to bind ${host}: loopback only`);
  const echo = await startEchoServer((address) => address, { host, port });
  return { id: `${host}:${echo.port}`, host, port: echo.port, stop: echo.stop };
}

/** The mesh: a provider node with `serviceDiscovery`, its virtual service, and a client node using it. */
export function meshYaml(
  serviceDiscovery: Record<string, unknown>,
  listenerPort: number,
  extraDocs = '',
): string {
  const extra = extraDocs ? `---\n${extraDocs}` : '';
  return `apiVersion: plexus/v1
kind: Mesh
metadata: { name: ${MESH} }
spec: {}
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${PROVIDER}, mesh: ${MESH} }
spec:
  listeners: [{ portMapping: { port: ${listenerPort}, protocol: grpc } }]
  serviceDiscovery: ${JSON.stringify(serviceDiscovery)}
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${SERVICE}, mesh: ${MESH} }
spec:
  provider: { virtualNode: { virtualNodeName: ${PROVIDER} } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${CLIENT}, mesh: ${MESH} }
spec:
  backends: [{ virtualService: { virtualServiceName: ${SERVICE} } }]
${extra}`;
}

/** A temp git repository driven by the git CLI. */
export class MeshRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'plexus-discovery-e2e-'));

  constructor() {
    initRepo(this.dir);
  }

  git(...args: string[]): string {
    return runGit(this.dir, args);
  }

  /** Writes `mesh.yaml` and commits it; returns the commit SHA. */
  commit(yaml: string, message: string): string {
    writeFileSync(join(this.dir, 'mesh.yaml'), yaml);
    return commitAll(this.dir, message);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface MeshRun {
  repo: MeshRepo;
  daemon: Daemon;
  /** The daemon's current endpoints of the provider node ([] while there are none). */
  endpoints(): Endpoint[];
  /** The daemon's current endpoints of any virtual node of the mesh. */
  endpointsOf(node: string): Endpoint[];
  /** Resolves once the daemon applied `sha`. */
  applied(sha: string): Promise<void>;
  stop(): Promise<void>;
}

/** Commits the mesh and starts the daemon on it (xDS and HTTP on free 127.0.0.1 ports). */
export async function startMeshRun(
  serviceDiscovery: Record<string, unknown>,
  listenerPort: number,
  discoverySettings: DiscoverySettings = {},
  extraDocs = '',
): Promise<MeshRun> {
  const repo = new MeshRepo();
  const sha = repo.commit(meshYaml(serviceDiscovery, listenerPort, extraDocs), 'mesh');
  const daemon = await startDaemon({
    repo: repo.dir,
    pollIntervalMs: 200,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    discoverySettings,
    drainMs: 200,
    logger: pino({ level: process.env.PLEXUS_E2E_LOG ?? 'warn' }),
  });
  const discovery = daemon.container.get<Discovery>(TOKENS.Discovery);
  const endpointsOf = (node: string) => discovery.current().get(`${MESH}/${node}`)?.endpoints ?? [];
  const run: MeshRun = {
    repo,
    daemon,
    endpoints: () => endpointsOf(PROVIDER),
    endpointsOf,
    applied: (want) =>
      waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${daemon.httpPort}/api/v1/status`);
          const doc = (await res.json()) as { revision: { applied: string | null } };
          return doc.revision.applied === want;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `revision ${want.slice(0, 8)} applied` },
      ),
    async stop() {
      await daemon.stop();
      repo.remove();
    },
  };
  await run.applied(sha);
  return run;
}

/** `address:port health` of each endpoint, sorted: compact assertions. */
export const summary = (eps: Endpoint[]): string[] =>
  eps.map((e) => `${e.address}:${e.port} ${e.health}`).sort();

/**
 * What the daemon serves the client node over xDS right now, read by a separate raw ADS stream under the same
 * node id: every EDS endpoint of every cluster, as `address:port health` lines (health lower-cased).
 */
export async function servedEndpoints(xdsPort: number): Promise<string[]> {
  const ads = new AdsClient(`127.0.0.1:${xdsPort}`);
  const stream = ads.sotw({ id: `mesh/${MESH}/virtualNode/${CLIENT}` });
  try {
    stream.request({ typeUrl: XdsTypes.cluster });
    const cds = await stream.nextOf(XdsTypes.cluster);
    const eds = cds.resources
      .filter((r) => r.value.type === 'EDS')
      .map((r) => {
        const cfg = r.value.eds_cluster_config as { service_name?: string } | undefined;
        return cfg?.service_name || r.name;
      });
    if (eds.length === 0) return [];
    stream.request({ typeUrl: XdsTypes.endpoint, names: eds });
    const res = await stream.nextOf(XdsTypes.endpoint);
    const out: string[] = [];
    for (const cla of res.resources) {
      const localities = (cla.value.endpoints ?? []) as Array<{
        lb_endpoints?: Array<{
          health_status?: string;
          endpoint?: { address?: { socket_address?: { address: string; port_value: number } } };
        }>;
      }>;
      for (const lb of localities.flatMap((l) => l.lb_endpoints ?? [])) {
        const sa = lb.endpoint?.address?.socket_address;
        out.push(`${sa?.address}:${sa?.port_value} ${(lb.health_status ?? 'UNKNOWN').toLowerCase()}`);
      }
    }
    return out.sort();
  } finally {
    stream.close();
    ads.close();
  }
}

const isLoopbackLine = (line: string) => isLoopback(line.split(':')[0] ?? '');

/**
 * Waits until the daemon's endpoints of the provider are exactly `want` (as `summary` lines) and, unless
 * `xds: false`, until the EDS the daemon serves the client node says the same; then checks that every address
 * is loopback, before any client is allowed to dial them.
 */
export async function expectEndpoints(
  run: MeshRun,
  want: string[],
  what: string,
  { xds = true } = {},
): Promise<void> {
  const sorted = [...want].sort();
  await waitFor(() => JSON.stringify(summary(run.endpoints())) === JSON.stringify(sorted), {
    timeoutMs: 30_000,
    what: `${what}: endpoints ${sorted.join(', ')} (have ${summary(run.endpoints()).join(', ')})`,
  });
  const outside = run.endpoints().filter((e) => !isLoopback(e.address));
  if (outside.length > 0) throw new Error(`non-loopback endpoints: ${summary(outside).join(', ')}`);
  if (!xds) return;
  let served: string[] = [];
  await waitFor(
    async () => {
      served = await servedEndpoints(run.daemon.xdsPort);
      return JSON.stringify(served) === JSON.stringify(sorted);
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${what}: EDS ${sorted.join(', ')}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; served ${served.join(', ')}`);
  });
  if (!served.every(isLoopbackLine)) throw new Error(`non-loopback EDS endpoints: ${served.join(', ')}`);
}

export interface EchoClient {
  /** One RPC: the answering server's `host:port`, or `error: ...`. */
  who(): Promise<string>;
  /** `n` RPCs, 8 at a time: answers counted by server id. */
  tally(n: number): Promise<Record<string, number>>;
  /** Waits until `n` RPCs in a row land exactly on the servers `ids` (each of them at least once). */
  settlesOn(ids: string[], what: string, n?: number): Promise<void>;
  close(): void;
}

/** A @grpc/grpc-js-xds client for node `mesh/<MESH>/virtualNode/<CLIENT>`, dialing `xds:///<SERVICE>`. */
export function xdsClient(xdsPort: number): EchoClient {
  registerXdsResolver();
  const bootstrap = grpcBootstrap({
    node: `mesh/${MESH}/virtualNode/${CLIENT}`,
    xdsAddress: `127.0.0.1:${xdsPort}`,
  });
  const client = new grpc.Client(
    `xds:///${SERVICE}`,
    grpc.credentials.createInsecure(),
    xdsBootstrapOption(bootstrap),
  );
  const who = () =>
    new Promise<string>((resolve) =>
      client.makeUnaryRequest(
        ECHO_METHOD,
        rawBytes,
        rawBytes,
        Buffer.alloc(0),
        { deadline: Date.now() + 3000 },
        (e, r) => resolve(e ? `error: ${e.details || e.message}` : String(r)),
      ),
    );
  const tally = async (n: number) => {
    const counts: Record<string, number> = {};
    let left = n;
    const worker = async () => {
      while (left-- > 0) {
        const k = await who();
        counts[k] = (counts[k] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return counts;
  };
  let last: Record<string, number> = {};
  return {
    who,
    tally,
    settlesOn: (ids, what, n = 40) =>
      waitFor(
        async () => {
          last = await tally(n);
          const seen = Object.keys(last).sort();
          return JSON.stringify(seen) === JSON.stringify([...ids].sort());
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `${what}: RPCs on ${ids.join(', ')} only` },
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last tally ${JSON.stringify(last)}`);
      }),
    close: () => client.close(),
  };
}
