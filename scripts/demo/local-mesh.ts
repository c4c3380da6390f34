/**
 * A colorapp data plane on one host, shared by `npm start` (the demo) and test/gitops-e2e: tiny Node apps,
 * real Envoy sidecars bootstrapped to the daemon, and the spec copied into a git repo with ports rewritten so
 * traffic goes app → sidecar → sidecar → app the way App Mesh's iptables redirect made it go.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { envoyBootstrap } from '@plexus/daemon';
import { envoyBinary, type Started, startProcess, waitFor } from '@plexus/testkit';
import { parseAllDocuments, stringify } from 'yaml';

export const MESH = 'colorapp';
export const COLORS = ['red', 'blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

export const nodeKey = (name: string) => `mesh/${MESH}/virtualNode/${name}`;
export const GATEWAY_KEY = `mesh/${MESH}/virtualGateway/ingress-gw`;

/** Where everything listens. `apps` are the virtual nodes' listener ports (what the apps bind). */
export interface MeshPorts {
  apps: Record<string, number>;
  /** Sidecar inbound port per virtual node; the static endpoints point here (iptables' job in App Mesh). */
  ingress: Record<string, number>;
  /** Outbound port per virtual node (the app calls its backends here) and per gateway (kept off 15001). */
  egress: Record<string, number>;
  /** Envoy admin port per proxy key. */
  admin: Record<string, number>;
  router: number;
  gateway: number;
}

/** Translate options per proxy: each sidecar gets its own inbound/outbound ports. */
export function sidecarPorts(ports: MeshPorts) {
  return (proxyKey: string): object | undefined => {
    const name = proxyKey.split('/')[3]!;
    if (ports.egress[name] === undefined) return undefined;
    return { ingressPort: ports.ingress[name], egressPort: ports.egress[name] };
  };
}

type Doc = { kind?: string; metadata?: { name?: string }; spec?: Record<string, unknown> };

/**
 * Copies the spec files of `srcDir` into `destDir`, setting listener ports from `ports` and every static
 * endpoint to its node's sidecar inbound port.
 */
export function localizeMesh(srcDir: string, destDir: string, ports: MeshPorts): void {
  mkdirSync(destDir, { recursive: true });
  for (const file of readdirSync(srcDir).filter((f) => /\.ya?ml$/.test(f))) {
    const docs = parseAllDocuments(readFileSync(join(srcDir, file), 'utf8')).map((d) => d.toJS() as Doc);
    for (const d of docs) {
      const name = d.metadata?.name ?? '';
      const spec = (d.spec ?? {}) as {
        listeners?: Array<{ portMapping: { port: number } }>;
        serviceDiscovery?: { static?: { endpoints: Array<{ port?: number }> } };
      };
      if (d.kind === 'VirtualNode') {
        for (const l of spec.listeners ?? []) l.portMapping.port = ports.apps[name] ?? l.portMapping.port;
        for (const e of spec.serviceDiscovery?.static?.endpoints ?? [])
          e.port = ports.ingress[name] ?? e.port;
      }
      if (d.kind === 'VirtualRouter') for (const l of spec.listeners ?? []) l.portMapping.port = ports.router;
      if (d.kind === 'VirtualGateway')
        for (const l of spec.listeners ?? []) l.portMapping.port = ports.gateway;
    }
    const header =
      '# Copied by Plexus for a one-host run: ports rewritten, static endpoints point at each sidecar.\n';
    writeFileSync(join(destDir, file), header + docs.map((d) => stringify(d)).join('---\n'));
  }
}

/** Rewrites the `colors` route's weights in `file` (the colorteller spec). */
export function setWeights(file: string, weights: Partial<Record<Color, number>>): void {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Doc);
  for (const d of docs) {
    if (d.kind !== 'Route') continue;
    const targets = (
      d.spec as { httpRoute: { action: { weightedTargets: { virtualNode: string; weight: number }[] } } }
    ).httpRoute.action.weightedTargets;
    for (const t of targets) {
      const color = t.virtualNode.replace('colorteller-', '') as Color;
      if (weights[color] !== undefined) t.weight = weights[color]!;
    }
  }
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
}

// The demo's git repo is driven like the tests': @plexus/testkit's git CLI helpers.
export { commitAll, initRepo } from '@plexus/testkit';

async function listen(server: Server, port: number): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Makes a colorteller fail: every request whose number (1, 2, ...) `fails` says so answers 500. */
export interface ColorFault {
  fails?: (hit: number) => boolean;
  hits: number;
}

/** A colorteller: answers every request with its color (status 500 where `fault` says so). */
export function startColorApp(color: string, port: number, fault: ColorFault = { hits: 0 }): Promise<Server> {
  return listen(
    createServer((_req, res) => {
      const hit = ++fault.hits;
      res.writeHead(fault.fails?.(hit) ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(color);
    }),
    port,
  );
}

/** Trace context a well-behaved app copies from its inbound request to its outbound calls. */
const TRACE_HEADERS = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'x-amzn-trace-id',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
];

/** The front app: for each request, asks colorteller through its own sidecar and returns the answer. */
export function startFrontApp(port: number, sidecarEgressPort: number): Promise<Server> {
  return listen(
    createServer((req, res) => {
      const headers: Record<string, string> = { host: `colorteller.${MESH}.local` };
      for (const h of TRACE_HEADERS) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const out = request(
        {
          host: '127.0.0.1',
          port: sidecarEgressPort,
          path: '/',
          headers,
          timeout: 5000,
        },
        (up) => {
          let body = '';
          up.setEncoding('utf8');
          up.on('data', (c) => {
            body += c;
          });
          up.on('end', () => {
            res.writeHead(up.statusCode ?? 502, { 'content-type': 'text/plain' });
            res.end(body);
          });
        },
      );
      out.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`front: ${err.message}`);
      });
      out.end();
    }),
    port,
  );
}

/** One GET; resolves to status and body (never rejects: errors become status 0). */
export function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** `n` requests through `port`, `concurrency` at a time; counts by reply body ('error' for non-200). */
export async function tally(port: number, n: number, concurrency = 8): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const r = await httpGet(port);
        const k = r.status === 200 ? r.body : 'error';
        counts[k] = (counts[k] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

/**
 * Tallies `n` requests through `port` until one whole tally holds only the replies `only`, and returns it: an
 * ACKed route table still takes a moment to reach every Envoy worker thread. Rejects with the last tally.
 */
export async function tallySettlesOn(
  port: number,
  only: readonly string[],
  { n = 20, timeoutMs = 30_000, what = `traffic on ${only.join(', ')} only` } = {},
): Promise<Record<string, number>> {
  let last: Record<string, number> = {};
  await waitFor(
    async () => {
      last = await tally(port, n);
      return Object.keys(last).every((k) => only.includes(k));
    },
    { timeoutMs, intervalMs: 50, what },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last tally ${JSON.stringify(last)}`);
  });
  return last;
}

/** The colortellers and front as one host's apps (each colorteller with its fault switch, when given). */
export async function startApps(ports: MeshPorts, faults?: Record<Color, ColorFault>): Promise<Server[]> {
  const servers: Server[] = [];
  for (const c of COLORS) servers.push(await startColorApp(c, ports.apps[`colorteller-${c}`]!, faults?.[c]));
  servers.push(await startFrontApp(ports.apps.front!, ports.egress.front!));
  return servers;
}

/** Stops the Envoys, then the daemon, then the apps (the order a mesh on one host comes down in). */
export async function stopLocalMesh(
  envoys: Map<string, EnvoyProcess>,
  daemon: { stop(): Promise<void> } | undefined,
  servers: readonly Server[],
): Promise<void> {
  await Promise.all([...envoys.values()].map((e) => e.stop()));
  await daemon?.stop();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
}

/** Resolves once the gateway answers 200 through front and a colorteller. */
export function untilGatewayAnswers(gatewayPort: number): Promise<void> {
  return waitFor(async () => (await httpGet(gatewayPort)).status === 200, {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: 'the gateway to answer through front and colorteller',
  });
}

export interface EnvoyProcess {
  proc: Started;
  adminPort: number;
  stop(): Promise<void>;
}

/** A real Envoy for `proxyKey`, bootstrapped (as `plexus bootstrap` prints it) to the daemon's xDS port. */
export function startEnvoy(
  proxyKey: string,
  xdsPort: number,
  adminPort: number,
  dir: string,
  o: { appMeshStatsTags?: boolean } = {},
): EnvoyProcess {
  const file = join(dir, `envoy-${proxyKey.replaceAll('/', '_')}.yaml`);
  const bootstrap = envoyBootstrap({
    node: proxyKey,
    xdsAddress: `127.0.0.1:${xdsPort}`,
    adminPort,
    adminAddress: '127.0.0.1',
    appMeshStatsTags: o.appMeshStatsTags,
  });
  writeFileSync(file, stringify(bootstrap, { aliasDuplicateObjects: false }));
  // A file, not a pipe: access logs to /dev/stdout cannot be opened on a socket.
  const log = openSync(join(dir, `envoy-${proxyKey.replaceAll('/', '_')}.log`), 'a');
  const proc = startProcess(
    envoyBinary(),
    // A 2 s drain: connections opened under a replaced listener (tracing turned on or off, say) move to the
    // new one within seconds rather than Envoy's default 10 minutes.
    ['-c', file, '--disable-hot-restart', '--log-level', 'warn', '--concurrency', '1', '--drain-time-s', '2'],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  return { proc, adminPort, stop: () => proc.stop(3000) };
}
