import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { grpcBootstrap } from '@plexus/daemon';
import {
  createAuthorizer,
  ReloadingServerCredentials,
  ServiceAccountAuthenticator,
  ServiceAccountKeys,
} from '@plexus/security';
import {
  apiListener,
  createTestCa,
  edsCluster,
  issueCert,
  loadAssignment,
  repoRoot,
  startEchoServer,
  type TestCa,
  weightedRoute,
} from '@plexus/testkit';
import { type ConnectEvent, type RejectEvent, XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NODE_A = 'mesh/m/virtualNode/grpc-a';
const NODE_B = 'mesh/m/virtualNode/grpc-b';
const CLIENT = join(repoRoot, 'test/security-e2e/fixtures/google-default-client.ts');

describe('proxyless gRPC (@grpc/grpc-js-xds) over TLS with google_default credentials', () => {
  let dir: string;
  let ca: TestCa;
  let creds: ReloadingServerCredentials;
  let xds: XdsServer;
  let port: number;
  let echo: grpc.Server;
  const rejects: RejectEvent[] = [];
  const connects: ConnectEvent[] = [];
  const keys = () => new ServiceAccountKeys(dir);

  /** Runs the client as its own process (the env must be set before grpc-js loads), as node `bootNode`. */
  const run = (bootNode: string, keyFile: string, giveUpMs = 15_000) => {
    const bootstrap = join(dir, `bootstrap-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      bootstrap,
      JSON.stringify(grpcBootstrap({ node: bootNode, xdsAddress: `127.0.0.1:${port}`, googleDefault: true })),
    );
    return new Promise<string>((resolve) => {
      const p = spawn(process.execPath, [CLIENT, 'echo', String(giveUpMs)], {
        env: {
          PATH: process.env.PATH ?? '',
          GRPC_XDS_BOOTSTRAP: bootstrap,
          GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: ca.certFile,
          GOOGLE_APPLICATION_CREDENTIALS: keyFile,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      p.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      p.on('exit', () => resolve(out.trim()));
    });
  };

  const keyFileFor = (node: string) => {
    const file = join(dir, `${node.split('/').at(-1)}-key.json`);
    writeFileSync(file, JSON.stringify(keys().create(node, 3_600_000).keyFile), { mode: 0o600 });
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plexus-google-default-'));
    ca = createTestCa();
    const cert = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
    creds = new ReloadingServerCredentials({ certFile: cert.certFile, keyFile: cert.keyFile });
    const started = await startEchoServer('echo-backend');
    echo = started.server;
    xds = new XdsServer({
      resolveProxy: (n) => n.id,
      credentials: creds,
      authorize: createAuthorizer({
        authenticators: [new ServiceAccountAuthenticator(keys())],
        trustDomain: 'plexus.local',
        required: true,
      }),
    });
    xds.on('reject', (e: RejectEvent) => rejects.push(e));
    xds.on('connect', (e: ConnectEvent) => connects.push(e));
    port = await xds.listen('127.0.0.1:0');
    const config = {
      listeners: [apiListener('echo', 'echo-route')],
      routes: [weightedRoute('echo-route', ['echo'], [['backend', 100]])],
      clusters: [edsCluster('backend')],
      endpoints: [loadAssignment('backend', [{ host: '127.0.0.1', port: started.port }])],
    };
    for (const node of [NODE_A, NODE_B]) xds.setProxyConfig(node, config, { revision: 'r1' });
  });

  afterAll(async () => {
    echo?.forceShutdown();
    creds?.close();
    await xds?.shutdown(200);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a key registered for node A: TLS, a per-call JWT, config, and the RPC answers', async () => {
    expect(await run(NODE_A, keyFileFor(NODE_A))).toBe('ok echo-backend');
    const c = connects.find((e) => e.proxyKey === NODE_A);
    expect(c?.identity).toMatchObject({ method: 'service-account' });
    expect(c?.identity?.subject).toContain(NODE_A);
  }, 30_000);

  it("A's key used by a client claiming B: PERMISSION_DENIED before any resource, no RPC", async () => {
    const before = rejects.length;
    expect(await run(NODE_B, keyFileFor(NODE_A), 4_000)).toMatch(/^failed /);
    const r = rejects.slice(before).find((e) => e.code === 7);
    expect(r?.reason).toContain(NODE_A);
    expect(r?.reason).toContain(NODE_B);
    expect(connects.some((e) => e.proxyKey === NODE_B)).toBe(false);
  }, 30_000);

  it('a key removed from the registry is refused (revocation), with a one-line reason', async () => {
    const file = keyFileFor(NODE_A);
    const kid = (JSON.parse(readFileSync(file, 'utf8')) as { private_key_id: string }).private_key_id;
    const registry = join(dir, 'service-account-keys.json');
    const doc = JSON.parse(readFileSync(registry, 'utf8')) as { keys: { kid: string }[] };
    writeFileSync(registry, JSON.stringify({ keys: doc.keys.filter((k) => k.kid !== kid) }));
    expect(statSync(registry).size).toBeGreaterThan(0);
    const before = rejects.length;
    expect(await run(NODE_A, file, 4_000)).toMatch(/^failed /);
    const r = rejects.slice(before).find((e) => e.code === 16);
    expect(r?.reason).toContain(`service-account key ${kid} is not registered`);
  }, 30_000);
});
