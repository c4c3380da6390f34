/**
 * A virtual gateway translated by Plexus (with the policies of the test) and run by a real Envoy on loopback,
 * plus the HTTP servers behind it. The gateway listens on `port`; its self-redirect hop on `egressPort`.
 * `startGateway` runs the config static; `startAdsGateway` serves it from Plexus's xDS server, so endpoints can
 * change under a running Envoy (slow start, zone failover).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { buildGraph } from '@plexus/graph';
import type { Endpoint } from '@plexus/plugin-api';
import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import {
  closeServer,
  freePort,
  type HttpGetReply,
  httpGet,
  listenOn,
  type StaticEnvoy,
  startStaticEnvoy,
  waitFor,
} from '@plexus/testkit';
import { type EnvoyConfig, type TranslateOptions, translateProxy } from '@plexus/translate';
import { XdsServer } from '@plexus/xds';
import { type EnvoyHandle, startEnvoy } from '../xds-e2e/helpers.ts';

export interface Ports {
  gateway: number;
  egress: number;
  red: number;
  blue: number;
  shadow: number;
}

export async function ports(): Promise<Ports> {
  return {
    gateway: await freePort(),
    egress: await freePort(),
    red: await freePort(),
    blue: await freePort(),
    shadow: await freePort(),
  };
}

export interface MeshOptions {
  /** The route's weighted targets as YAML flow items; default all to red. */
  targets?: string;
}

/** Gateway `ingress` → virtual service color.m.local → router → red (or the given targets); blue; shadow. */
export function meshYaml(p: Ports, o: MeshOptions = {}): string {
  const node = (name: string, port: number) => `---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: m }
spec:
  listeners: [{ portMapping: { port: ${port}, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
`;
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
${node('red', p.red)}${node('blue', p.blue)}${node('shadow', p.shadow)}---
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
    action: { weightedTargets: [${o.targets ?? '{ virtualNode: red, weight: 1 }'}] }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: color.m.local, mesh: m }
spec:
  provider: { virtualRouter: { virtualRouterName: color } }
`;
}

export const GATEWAY_ID = 'mesh/m/virtualGateway/ingress';

export interface GatewayOptions extends MeshOptions {
  /** Endpoints per virtual node (what discovery would report); a node not named keeps its static endpoint. */
  endpoints?: Record<string, Endpoint[]>;
  /** The bootstrap's node.locality: Envoy gets it, and Plexus translates with it (TranslateOptions.locality). */
  locality?: { zone?: string; region?: string };
}

/** Validates mesh + policies (no errors allowed) and translates the gateway. */
export function translateGateway(p: Ports, policies: string, o: GatewayOptions = {}): EnvoyConfig {
  const loaded = loadAndValidate([
    { path: 'mesh.yaml', content: meshYaml(p, o) },
    { path: 'policies.yaml', content: policies },
  ]);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (errors.length) throw new Error(errors.join('\n'));
  const graph = buildGraph(loaded.resources);
  const lookup = (mesh: string, node: string) => {
    const endpoints = o.endpoints?.[node];
    return endpoints ? { mesh, virtualNode: node, endpoints, source: 'test' } : undefined;
  };
  const options: TranslateOptions = { listenAddress: '127.0.0.1', egressPort: p.egress, proxyless: false };
  if (o.locality) options.locality = o.locality;
  return translateProxy(graph, { kind: 'virtualGateway', mesh: 'm', name: 'ingress' }, lookup, options);
}

export interface RunningGateway {
  stop(): Promise<void>;
}

async function listening(p: Ports, output: () => string, stop: () => Promise<void>): Promise<void> {
  try {
    await waitFor(async () => (await get(p.gateway, '/__ready')).status > 0, { what: 'Envoy listening' });
  } catch (e) {
    const out = output();
    await stop();
    throw new Error(`${(e as Error).message}\n${out}`);
  }
}

/** The translated gateway as a static Envoy config. */
export async function startGateway(
  p: Ports,
  policies: string,
  o: GatewayOptions = {},
): Promise<RunningGateway> {
  const envoy: StaticEnvoy = startStaticEnvoy(translateGateway(p, policies, o), 'policy-e2e', {
    node: { id: GATEWAY_ID, cluster: 'policy-e2e', ...(o.locality ? { locality: o.locality } : {}) },
  });
  await listening(p, () => envoy.process.output(), envoy.stop);
  return envoy;
}

export interface AdsGateway extends RunningGateway {
  envoy: EnvoyHandle;
  /** Translates again with these endpoints, pushes over ADS and resolves once Envoy ACKed the new config. */
  setEndpoints(endpoints: Record<string, Endpoint[]>): Promise<void>;
}

/** The translated gateway served by Plexus's xDS server to an Envoy bootstrapped with the node's locality. */
export async function startAdsGateway(
  p: Ports,
  policies: string,
  o: GatewayOptions = {},
): Promise<AdsGateway> {
  const xds = new XdsServer({ resolveProxy: (n) => n.id });
  const xdsPort = await xds.listen('127.0.0.1:0');
  let revision = 0;
  const push = async (endpoints: Record<string, Endpoint[]> | undefined) => {
    xds.setProxyConfig(GATEWAY_ID, translateGateway(p, policies, { ...o, endpoints }), {
      revision: `r${++revision}`,
    });
    await waitFor(() => xds.converged(GATEWAY_ID), {
      timeoutMs: 30_000,
      what: `revision r${revision} ACKed`,
    });
  };
  xds.setProxyConfig(GATEWAY_ID, translateGateway(p, policies, o), { revision: `r${++revision}` });
  const envoy = await startEnvoy(GATEWAY_ID, xdsPort, 'GRPC', o.locality ? { locality: o.locality } : {});
  const stop = async () => {
    await envoy.proc.stop();
    await xds.shutdown(500);
  };
  await waitFor(() => xds.converged(GATEWAY_ID), { timeoutMs: 30_000, what: 'first config ACKed' }).catch(
    async (e) => {
      const out = envoy.proc.output();
      await stop();
      throw new Error(`${(e as Error).message}\n${out}`);
    },
  );
  await listening(p, () => envoy.proc.output(), stop);
  return { envoy, setEndpoints: push, stop };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function serve(port: number, handler: Handler): Promise<Server> {
  return listenOn(createServer(handler), port);
}

/** A backend answering with its name, counting the requests it served. */
export async function namedBackend(
  name: string,
): Promise<{ name: string; port: number; hits: () => number; server: Server }> {
  let hits = 0;
  const port = await freePort();
  const server = await serve(port, (_req, res) => {
    hits++;
    res.end(name);
  });
  return { name, port, hits: () => hits, server };
}

export const close = closeServer;

export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpGetReply> {
  return httpGet({ port, path, headers });
}

/** One policy document of `kind` attached to `target`, `body` its spec fields (indented two spaces). */
export function policy(kind: string, name: string, target: string, body: string): string {
  return `---\napiVersion: plexus/v1\nkind: ${kind}\nmetadata: { name: ${name}, mesh: m }\nspec:\n  targetRef: ${target}\n${body}`;
}
export const GATEWAY = '{ kind: VirtualGateway, name: ingress }';
export const PUBLIC = '{ kind: GatewayRoute, name: public, virtualGateway: ingress }';
export const ROUTE = '{ kind: Route, name: color-route, virtualRouter: color }';
export const RED = '{ kind: VirtualNode, name: red }';
