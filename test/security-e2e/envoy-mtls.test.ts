import { copyFileSync, mkdtempSync, renameSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import {
  ClientCertificateAuthenticator,
  createAuthorizer,
  ReloadingServerCredentials,
} from '@plexus/security';
import {
  createTestCa,
  edsCluster,
  freePort,
  httpListener,
  type IssuedCert,
  issueCert,
  loadAssignment,
  type TestCa,
  waitFor,
  weightedRoute,
} from '@plexus/testkit';
import { type RejectEvent, XdsServer } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startBackend } from '../xds-e2e/helpers.ts';
import { type EnvoyUnderTest, startEnvoy } from './envoy.ts';

const spiffe = (key: string) => `spiffe://plexus.local/${key}`;

describe.each(['sotw', 'delta'] as const)('real Envoy over mTLS (%s)', (variant) => {
  const nodeA = `mesh/m/virtualNode/a-${variant}`;
  const nodeB = `mesh/m/virtualNode/b-${variant}`;
  let ca: TestCa;
  let clientA: IssuedCert;
  let xds: XdsServer;
  let creds: ReloadingServerCredentials;
  let xdsPort: number;
  let backend: Server;
  let listenPort: number;
  let envoyA: EnvoyUnderTest;
  let certFile: string;
  let keyFile: string;
  const rejects: RejectEvent[] = [];
  const envoys: EnvoyUnderTest[] = [];

  beforeAll(async () => {
    ca = createTestCa(`Mesh CA ${variant}`);
    const server = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
    clientA = issueCert(ca, { cn: 'a', uris: [spiffe(nodeA)], usage: 'client' });
    const dir = mkdtempSync(join(tmpdir(), 'plexus-xds-tls-'));
    certFile = join(dir, 'tls.crt');
    keyFile = join(dir, 'tls.key');
    copyFileSync(server.certFile, certFile);
    copyFileSync(server.keyFile, keyFile);
    creds = new ReloadingServerCredentials({ certFile, keyFile, clientCaFile: ca.certFile }, { pollMs: 100 });
    xds = new XdsServer({
      resolveProxy: (n) => n.id,
      credentials: creds,
      authorize: createAuthorizer({
        authenticators: [new ClientCertificateAuthenticator('plexus.local')],
        trustDomain: 'plexus.local',
        required: true,
      }),
    });
    xds.on('reject', (e: RejectEvent) => rejects.push(e));
    xdsPort = await xds.listen('127.0.0.1:0');
    const b = await startBackend('backend-a');
    backend = b.server;
    listenPort = await freePort();
    const config = {
      listeners: [httpListener('ingress', listenPort, 'r1')],
      routes: [weightedRoute('r1', ['*'], [['app', 100]])],
      clusters: [edsCluster('app')],
      endpoints: [loadAssignment('app', [{ host: '127.0.0.1', port: b.port }])],
    };
    xds.setProxyConfig(nodeA, config, { revision: 'r1' });
    xds.setProxyConfig(nodeB, config, { revision: 'r1' });
    envoyA = await startEnvoy({
      node: nodeA,
      xdsAddress: `127.0.0.1:${xdsPort}`,
      delta: variant === 'delta',
      xdsCaFile: ca.certFile,
      clientCertFile: clientA.certFile,
      clientKeyFile: clientA.keyFile,
    });
    envoys.push(envoyA);
    await waitFor(async () => (await get(listenPort)).status === 200, {
      timeoutMs: 30_000,
      what: 'Envoy A serving',
    });
  });

  afterAll(async () => {
    for (const e of envoys) await e.proc.stop();
    creds?.close();
    await xds?.shutdown(200);
    backend?.close();
  });

  it('gets its config over mTLS, proved by its SPIFFE certificate, and carries traffic', async () => {
    expect((await get(listenPort)).body).toBe('backend-a');
    const st = xds.status().find((s) => s.proxyKey === nodeA)!;
    expect(st.variant).toBe(variant);
    expect(st.identity).toMatchObject({ method: 'certificate', subject: spiffe(nodeA) });
    expect(await envoyA.stat('control_plane.connected_state')).toBe(1);
  });

  it('with the certificate of node a but node.id b: PERMISSION_DENIED, and Envoy holds not one resource', async () => {
    const before = rejects.length;
    const envoy = await startEnvoy({
      node: nodeB,
      xdsAddress: `127.0.0.1:${xdsPort}`,
      delta: variant === 'delta',
      xdsCaFile: ca.certFile,
      clientCertFile: clientA.certFile,
      clientKeyFile: clientA.keyFile,
    });
    envoys.push(envoy);
    await waitFor(() => rejects.length >= before + 2, { timeoutMs: 30_000, what: 'two refused attempts' });
    const mine = rejects.slice(before).filter((r) => r.node?.id === nodeB);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine[0].code).toBe(7);
    expect(mine[0].reason).toContain(spiffe(nodeA));
    expect(mine[0].reason).toContain(nodeB);
    expect(mine[0].peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(xds.status().some((s) => s.proxyKey === nodeB)).toBe(false);
    expect(await envoy.stat('control_plane.connected_state')).toBe(0);
    expect(await envoy.stat('cluster_manager.cds.update_success')).toBe(0);
    expect(await envoy.stat('listener_manager.lds.update_success')).toBe(0);
    expect(await envoy.stat('listener_manager.total_listeners_active')).toBe(0);
    const dump = await envoy.admin('/config_dump?resource=dynamic_active_clusters');
    expect(dump).not.toContain('"app"');
  });

  it('without a client certificate: refused with UNAUTHENTICATED, nothing sent', async () => {
    const before = rejects.length;
    const envoy = await startEnvoy({
      node: nodeA,
      xdsAddress: `127.0.0.1:${xdsPort}`,
      delta: variant === 'delta',
      xdsCaFile: ca.certFile,
    });
    envoys.push(envoy);
    // an Envoy of an earlier case may still be retrying (and being refused) beside this one: find this refusal
    const mine = () => rejects.slice(before).find((r) => /no credential/.test(r.reason));
    await waitFor(() => mine() !== undefined, { timeoutMs: 30_000, what: 'refusal' });
    expect(mine()?.code).toBe(16);
    expect(await envoy.stat('cluster_manager.cds.update_success')).toBe(0);
    await envoy.proc.stop();
  });

  it('trusting another CA, Envoy refuses the server itself (TLS verify failure), and gets nothing', async () => {
    const other = createTestCa(`Other CA ${variant}`);
    const envoy = await startEnvoy({
      node: nodeA,
      xdsAddress: `127.0.0.1:${xdsPort}`,
      delta: variant === 'delta',
      xdsCaFile: other.certFile,
      clientCertFile: clientA.certFile,
      clientKeyFile: clientA.keyFile,
    });
    envoys.push(envoy);
    await waitFor(async () => (await envoy.stat('cluster.xds_cluster.ssl.fail_verify_error')) > 0, {
      timeoutMs: 30_000,
      what: 'Envoy to refuse the server certificate',
    });
    expect(await envoy.stat('cluster_manager.cds.update_success')).toBe(0);
    await envoy.proc.stop();
  });

  it('rotates the server certificate under traffic: no failed request, new handshakes see the new certificate', async () => {
    const fingerprint = () =>
      new Promise<string>((resolve, reject) => {
        const s = connect(
          {
            host: '127.0.0.1',
            port: xdsPort,
            ca: ca.cert(),
            ALPNProtocols: ['h2'],
            cert: clientA.cert,
            key: clientA.key,
          },
          () => {
            resolve(s.getPeerCertificate().fingerprint256);
            s.destroy();
          },
        );
        s.on('error', reject);
      });
    const before = await fingerprint();
    let stop = false;
    const results: number[] = [];
    const traffic = (async () => {
      while (!stop) results.push((await get(listenPort).catch(() => ({ status: 0 }))).status);
    })();
    const next = issueCert(ca, { cn: 'plexus-rotated', ips: ['127.0.0.1'], usage: 'server' });
    copyFileSync(next.keyFile, `${keyFile}.new`);
    copyFileSync(next.certFile, `${certFile}.new`);
    renameSync(`${certFile}.new`, certFile);
    renameSync(`${keyFile}.new`, keyFile);
    await waitFor(async () => (await fingerprint()) !== before, {
      timeoutMs: 20_000,
      what: 'new certificate served',
    });
    // a config change still reaches the Envoy whose stream began before the rotation
    const r = await xds.status().find((s) => s.proxyKey === nodeA)!;
    expect(r.connected).toBe(true);
    stop = true;
    await traffic;
    expect(results.length).toBeGreaterThan(10);
    expect(results.filter((s) => s !== 200)).toEqual([]);
    expect(await envoyA.stat('control_plane.connected_state')).toBe(1);
  });
});
