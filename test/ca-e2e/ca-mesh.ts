/**
 * A mesh whose TLS is written the App Mesh way with ACM (listeners `certificate.acm`, clients trusting an ACM
 * Private CA ARN with SAN matches), served by a real daemon whose mesh CA stands in for that ARN. Real Envoys
 * prove themselves with node tokens over TLS and get their certificates over SDS: `web` (HTTP) and `rpc`
 * (gRPC) serve, `client` calls both, `stranger` calls `web` expecting a SAN that `web` does not carry.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { GeneratedCa } from '@plexus/ca';
import { type CaOptions, type Daemon, sameHostConfig } from '@plexus/daemon';
import { issueNodeToken, NodeTokenKeys } from '@plexus/security';
import {
  commitAll,
  echoServiceDefinition,
  freePort,
  httpRequestLocal,
  initRepo,
  type StartedEchoServer,
  startEchoServer,
  waitFor,
} from '@plexus/testkit';
import { pino } from 'pino';
import { type EnvoyUnderTest, startEnvoy } from '../security-e2e/envoy.ts';
import { startTlsDaemon, type TlsDaemon } from '../security-e2e/tls-daemon.ts';

export const MESH = 'camesh';
export const ACM_CA_ARN =
  'arn:aws:acm-pca:us-west-2:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const ACM_CERT_ARN = 'arn:aws:acm:us-west-2:123456789012:certificate/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const NODES = ['web', 'rpc', 'client', 'stranger'] as const;
export type NodeName = (typeof NODES)[number];
export const nodeKey = (n: string) => `mesh/${MESH}/virtualNode/${n}`;
export const spiffeOf = (n: string) => `spiffe://plexus.local/${nodeKey(n)}`;
export const WEB_HOST = `web.${MESH}.local`;
export const RPC_HOST = `rpc.${MESH}.local`;

interface Ports {
  /**
   * web and rpc listen on one port (rpc's app on 127.0.0.2): a client's egress has one filter chain per
   * destination port, and without iptables the one-host run cannot tell two ports apart by destination.
   */
  app: number;
  /** Each sidecar's inbound and outbound ports (the static endpoints point at the inbound ones). */
  ingress: Record<NodeName, number>;
  egress: Record<NodeName, number>;
}

const RPC_APP_ADDRESS = '127.0.0.2';

/** The listener closes idle connections after this, so paced traffic makes a new TLS handshake per request. */
const IDLE_MS = 100;

function meshYaml(p: Ports): string {
  const listener = (port: number, protocol: 'http' | 'grpc') => `
    - portMapping: { port: ${port}, protocol: ${protocol} }
      timeout: { ${protocol}: { idle: { unit: ms, value: ${IDLE_MS} } } }
      tls:
        mode: STRICT
        certificate: { acm: { certificateArn: "${ACM_CERT_ARN}" } }
        # App Mesh listeners trust file or sds only; the mesh CA serves the trust domain's bundle name over ADS.
        validation:
          trust: { sds: { secretName: "spiffe://plexus.local" } }
          subjectAlternativeNames:
            match: { exact: ["${spiffeOf('client')}", "${spiffeOf('stranger')}"] }`;
  const server = (name: 'web' | 'rpc', protocol: 'http' | 'grpc') => `---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: ${MESH} }
spec:
  listeners:${listener(p.app, protocol)}
  serviceDiscovery:
    static:
      endpoints: [{ address: 127.0.0.1, port: ${p.ingress[name]} }]
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${name}.${MESH}.local, mesh: ${MESH} }
spec: { provider: { virtualNode: { virtualNodeName: ${name} } } }
`;
  const backend = (host: string, san: string) => `
    - virtualService:
        virtualServiceName: ${host}
        clientPolicy:
          tls:
            validation:
              trust: { acm: { certificateAuthorityArns: ["${ACM_CA_ARN}"] } }
              subjectAlternativeNames: { match: { exact: ["${san}"] } }`;
  const client = (name: 'client' | 'stranger', backends: string) => `---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: ${MESH} }
spec:
  backends:${backends}
  serviceDiscovery:
    static:
      endpoints: [{ address: 127.0.0.1, port: ${p.ingress[name]} }]
`;
  return `apiVersion: plexus/v1
kind: Mesh
metadata: { name: ${MESH} }
spec: {}
${server('web', 'http')}${server('rpc', 'grpc')}${client(
  'client',
  // web by its SPIFFE ID, rpc by the DNS name of the virtual service it provides.
  backend(WEB_HOST, spiffeOf('web')) + backend(RPC_HOST, RPC_HOST),
)}${client('stranger', backend(WEB_HOST, spiffeOf('nobody')))}`;
}

export interface CaMesh {
  daemon: Daemon;
  tls: TlsDaemon;
  envoys: Record<NodeName, EnvoyUnderTest>;
  tokens: Record<NodeName, string>;
  /** One HTTP GET to `web` through a client node's sidecar: status 0 when the connection failed. */
  http(from?: 'client' | 'stranger'): Promise<{ status: number; body: string }>;
  /** One gRPC call to `rpc` through `client`'s sidecar; resolves to the answer, rejects with the status. */
  grpc(): Promise<string>;
  /** The generated CA behind the daemon (rotation). */
  generatedCa(): GeneratedCa;
  /** Stops the daemon and starts it again on the same state dir, certificate and xDS port. */
  restartDaemon(): Promise<Daemon>;
  stop(): Promise<void>;
}

function stopAll(servers: Server[], echo: StartedEchoServer | undefined, grpcClient?: grpc.Client) {
  grpcClient?.close();
  echo?.stop();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
}

export async function startCaMesh(ca: Omit<CaOptions, 'backend' | 'acmCertificateAuthorityArns'> = {}) {
  const work = mkdtempSync(join(tmpdir(), 'plexus-ca-mesh-'));
  const each = async () =>
    Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, await freePort()]))) as Record<
      NodeName,
      number
    >;
  const ports: Ports = {
    app: await freePort(),
    ingress: await each(),
    egress: await each(),
  };
  const repo = join(work, 'repo');
  mkdirSync(join(repo, 'mesh'), { recursive: true });
  initRepo(repo);
  writeFileSync(join(repo, 'mesh/mesh.yaml'), meshYaml(ports));
  commitAll(repo, 'camesh: ACM TLS between web, rpc and their clients');

  const servers: Server[] = [];
  const web = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('web');
  });
  await new Promise<void>((r) => web.listen(ports.app, '127.0.0.1', () => r()));
  servers.push(web);
  const echo = await startEchoServer('rpc', { host: RPC_APP_ADDRESS, port: ports.app });

  const sidecar = (key: string) => {
    const name = key.split('/')[3] as NodeName;
    return {
      ingressPort: ports.ingress[name],
      egressPort: ports.egress[name],
      ...(name === 'rpc' ? { localAppAddress: RPC_APP_ADDRESS } : {}),
    };
  };
  const options = {
    repo,
    overrides: undefined,
    builtinPlugins: ['@plexus/discovery-static'],
    translateOptions: sidecar,
    configTransform: sameHostConfig,
    drainMs: 500,
    ...(process.env.CA_E2E_LOG ? { logger: pino({ level: process.env.CA_E2E_LOG }) } : {}),
    ca: { backend: 'generated' as const, acmCertificateAuthorityArns: [ACM_CA_ARN], mutualTls: true, ...ca },
  };
  let tls: TlsDaemon | undefined;
  const envoys = {} as Record<NodeName, EnvoyUnderTest>;
  let grpcClient: grpc.Client | undefined;
  const stop = async () => {
    await Promise.all(Object.values(envoys).map((e) => e.proc.stop(3000)));
    await tls?.daemon.stop();
    stopAll(servers, echo, grpcClient);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const stateDir = join(work, 'state');
    mkdirSync(stateDir);
    tls = await startTlsDaemon(options, { stateDir });
    const keys = new NodeTokenKeys(stateDir);
    const tokens = {} as Record<NodeName, string>;
    for (const n of NODES) {
      tokens[n] = (await issueNodeToken(keys, { node: nodeKey(n) })).token;
      const tokenFile = join(work, `${n}.jwt`);
      writeFileSync(tokenFile, tokens[n]);
      envoys[n] = await startEnvoy({
        node: nodeKey(n),
        xdsAddress: `127.0.0.1:${tls.daemon.xdsPort}`,
        xdsCaFile: tls.ca.certFile,
        tokenFile,
      });
    }
    const Echo = grpc.makeGenericClientConstructor(echoServiceDefinition(), 'Echo');
    grpcClient = new Echo(`127.0.0.1:${ports.egress.client}`, grpc.credentials.createInsecure(), {
      'grpc.default_authority': RPC_HOST,
    });
    const callRpc = () =>
      new Promise<string>((resolve, reject) => {
        const deadline = new Date(Date.now() + 10_000);
        (grpcClient as unknown as { Who: GrpcUnary }).Who(Buffer.from('hi'), { deadline }, (err, res) =>
          err ? reject(err) : resolve(res!.toString()),
        );
      });
    const http = (from: 'client' | 'stranger' = 'client') =>
      httpRequestLocal(ports.egress[from], '/', { headers: { host: WEB_HOST }, timeoutMs: 10_000 }).then(
        (r) => ({ status: r.status, body: r.body }),
        (err: Error) => ({ status: 0, body: err.message }),
      );
    let last = { status: 0, body: '' };
    await waitFor(
      async () => {
        last = await http();
        return last.body === 'web';
      },
      {
        timeoutMs: 60_000,
        what: 'client → web over mTLS',
      },
    ).catch((err: Error) => {
      const logs = NODES.map((n) => `--- ${n}\n${envoys[n].log().split('\n').slice(-15).join('\n')}`);
      throw new Error(`${err.message}; last reply ${last.status} ${last.body}\n${logs.join('\n')}`);
    });
    await waitFor(async () => (await callRpc().catch(() => '')) === 'rpc', {
      timeoutMs: 60_000,
      what: 'client → rpc (gRPC) over mTLS',
    });
    const started = tls;
    const mesh: CaMesh = {
      get daemon() {
        return tls!.daemon;
      },
      get tls() {
        return tls!;
      },
      envoys,
      tokens,
      http,
      grpc: callRpc,
      generatedCa: () => {
        const backend = tls!.daemon.meshCertificates?.ca.backend;
        if (backend?.kind !== 'generated') throw new Error('the daemon runs no generated mesh CA');
        return backend as GeneratedCa;
      },
      async restartDaemon() {
        const xdsPort = tls!.daemon.xdsPort;
        await tls!.daemon.stop();
        tls = await startTlsDaemon(
          { ...options, xdsListen: `127.0.0.1:${xdsPort}` },
          { stateDir, ca: started.ca, cert: started.cert },
        );
        return tls.daemon;
      },
      stop,
    };
    return mesh;
  } catch (err) {
    await stop();
    throw err;
  }
}

type GrpcUnary = (
  req: Buffer,
  opts: { deadline: Date },
  cb: (err: grpc.ServiceError | null, res?: Buffer) => void,
) => void;
