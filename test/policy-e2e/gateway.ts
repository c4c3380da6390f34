/**
 * A virtual gateway translated by Plexus (with the policies of the test) and run by a real Envoy on loopback,
 * plus the HTTP servers behind it. The gateway listens on `port`; its self-redirect hop on `egressPort`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGraph } from '@plexus/graph';
import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import {
  envoyBinary,
  freePort,
  type Started,
  startProcess,
  toStaticBootstrap,
  waitFor,
} from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';

export interface Ports {
  gateway: number;
  egress: number;
  red: number;
  shadow: number;
}

export async function ports(): Promise<Ports> {
  return {
    gateway: await freePort(),
    egress: await freePort(),
    red: await freePort(),
    shadow: await freePort(),
  };
}

/** Gateway `ingress` → virtual service color.m.local → router → red; a shadow node for mirroring. */
export function meshYaml(p: Ports): string {
  return `apiVersion: plexus/v1
kind: Mesh
metadata: { name: m }
spec: {}
---
apiVersion: plexus/v1
kind: VirtualGateway
metadata: { name: ingress, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${p.gateway}, protocol: http } }]
---
apiVersion: plexus/v1
kind: GatewayRoute
metadata: { name: private, mesh: m, virtualGateway: ingress }
spec:
  priority: 1
  httpRoute:
    match: { prefix: /private }
    action: { target: { virtualService: { virtualServiceName: color.m.local } }, rewrite: { prefix: { defaultPrefix: DISABLED } } }
---
apiVersion: plexus/v1
kind: GatewayRoute
metadata: { name: public, mesh: m, virtualGateway: ingress }
spec:
  priority: 2
  httpRoute:
    match: { prefix: / }
    action: { target: { virtualService: { virtualServiceName: color.m.local } } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: red, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${p.red}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: shadow, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${p.shadow}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
---
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: color, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${p.red}, protocol: http } }]
---
apiVersion: plexus/v1
kind: Route
metadata: { name: color-route, mesh: m, virtualRouter: color }
spec:
  httpRoute:
    match: { prefix: / }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: color.m.local, mesh: m }
spec:
  provider: { virtualRouter: { virtualRouterName: color } }
`;
}

export interface RunningGateway {
  envoy: Started;
  stop(): Promise<void>;
}

/** Validates mesh + policies (no errors allowed), translates the gateway and starts Envoy on it. */
export async function startGateway(p: Ports, policies: string): Promise<RunningGateway> {
  const loaded = loadAndValidate([
    { path: 'mesh.yaml', content: meshYaml(p) },
    { path: 'policies.yaml', content: policies },
  ]);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (errors.length) throw new Error(errors.join('\n'));
  const graph = buildGraph(loaded.resources);
  const cfg = translateProxy(graph, { kind: 'virtualGateway', mesh: 'm', name: 'ingress' }, () => undefined, {
    listenAddress: '127.0.0.1',
    egressPort: p.egress,
  });
  const dir = mkdtempSync(join(tmpdir(), 'plexus-policy-e2e-'));
  const bootstrap = join(dir, 'envoy.json');
  writeFileSync(bootstrap, JSON.stringify(toStaticBootstrap(cfg)));
  const envoy = startProcess(envoyBinary(), [
    '-c',
    bootstrap,
    '--disable-hot-restart',
    '-l',
    'warn',
    '--concurrency',
    '1',
  ]);
  const stop = async () => {
    await envoy.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await get(p.gateway, '/__ready')).status > 0, { what: 'Envoy listening' });
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${envoy.output()}`);
  }
  return { envoy, stop };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function serve(port: number, handler: Handler): Promise<Server> {
  const s = createServer(handler);
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', r));
  return s;
}

export function close(s: Server | undefined): Promise<void> {
  return new Promise((r) => (s ? s.close(() => r()) : r()));
}

export function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => {
        text += b.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
