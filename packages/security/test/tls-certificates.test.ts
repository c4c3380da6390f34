import { copyFileSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { credentials, status } from '@grpc/grpc-js';
import {
  AdsClient,
  createTestCa,
  issueCert,
  loadAssignment,
  sampleConfig,
  waitFor,
  XdsTypes,
} from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { describe, expect, it } from 'vitest';
import {
  ClientCertificateAuthenticator,
  createAuthorizer,
  ReloadingServerCredentials,
} from '../src/index.ts';
import { NODE_A, NODE_B, onCleanup, spiffe, testPki, tlsClient, tlsServer } from './helpers.ts';

const certAuthorizer = () =>
  createAuthorizer({
    authenticators: [new ClientCertificateAuthenticator('plexus.local')],
    trustDomain: 'plexus.local',
    required: true,
  });

/** Handshake facts of a raw TLS connection: protocol, ALPN, the server certificate's fingerprint. */
function handshake(port: number, opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {}) {
  return new Promise<{ protocol: string | null; alpn: string | false | null; fingerprint: string }>(
    (resolve, reject) => {
      const s: TLSSocket = connect(
        {
          host: '127.0.0.1',
          port,
          ca: testPki().ca.cert(),
          ALPNProtocols: ['h2'],
          servername: 'localhost',
          ...opts,
        },
        () => {
          resolve({
            protocol: s.getProtocol(),
            alpn: s.alpnProtocol,
            fingerprint: s.getPeerCertificate().fingerprint256,
          });
          s.destroy();
        },
      );
      s.on('error', reject);
    },
  );
}

describe('xDS over TLS with client certificates', () => {
  it('serves a proxy whose certificate names its node.id, over TLS 1.3 and 1.2 with ALPN h2', async () => {
    const { server, port } = await tlsServer(certAuthorizer());
    server.setProxyConfig(NODE_A, sampleConfig({ clusters: ['c1'] }), { revision: 'r1' });
    const s = tlsClient(port, testPki().clientA).sotw({ id: NODE_A });
    s.request({ typeUrl: XdsTypes.cluster });
    const r = await s.next();
    expect(r.resources.map((x) => x.name)).toEqual(['c1']);
    const st = server.status()[0];
    expect(st.identity).toMatchObject({ proxyKey: NODE_A, method: 'certificate', spiffeId: spiffe(NODE_A) });
    expect((await handshake(port)).protocol).toBe('TLSv1.3');
    const v12 = await handshake(port, { maxVersion: 'TLSv1.2' });
    expect(v12).toMatchObject({ protocol: 'TLSv1.2', alpn: 'h2' });
  });

  it('refuses a certificate for node a asking as node b: PERMISSION_DENIED naming both, nothing sent', async () => {
    const refused: string[] = [];
    const { server, port } = await tlsServer(certAuthorizer());
    server.on('reject', (e: { reason: string }) => refused.push(e.reason));
    server.setProxyConfig(NODE_B, sampleConfig(), { revision: 'r1' });
    const s = tlsClient(port, testPki().clientA).sotw({ id: NODE_B });
    s.request({ typeUrl: XdsTypes.cluster });
    s.request({ typeUrl: XdsTypes.listener });
    const end = await s.ended();
    expect(end.code).toBe(status.PERMISSION_DENIED);
    expect(end.details).toContain(spiffe(NODE_A));
    expect(end.details).toContain(NODE_B);
    expect(await s.receivesWithin(100)).toBe(false);
    expect(server.status()).toEqual([]);
    expect(refused).toHaveLength(1);
    expect(server.metrics().rejectedStreams).toMatchObject({ [end.details.split(':')[0]]: 1 });
  });

  it('refuses a TLS client without a certificate, and one whose certificate another CA signed: UNAUTHENTICATED', async () => {
    const { server, port } = await tlsServer(certAuthorizer());
    server.setProxyConfig(NODE_A, sampleConfig());
    const none = tlsClient(port).sotw({ id: NODE_A });
    none.request({ typeUrl: XdsTypes.cluster });
    const e1 = await none.ended();
    expect(e1.code).toBe(status.UNAUTHENTICATED);
    expect(e1.details).toMatch(/no credential/);

    const otherCa = createTestCa('Other CA');
    const forged = issueCert(otherCa, { cn: 'a', uris: [spiffe(NODE_A)], usage: 'client' });
    const e2 = await (async () => {
      const s = tlsClient(port, forged).sotw({ id: NODE_A });
      s.request({ typeUrl: XdsTypes.cluster });
      return s.ended();
    })();
    expect(e2.code).toBe(status.UNAUTHENTICATED);
    expect(server.status()).toEqual([]);
  });

  it('a plaintext client on the TLS port, and a client that does not trust the server CA, never get a stream', async () => {
    const { server, port } = await tlsServer(certAuthorizer());
    server.setProxyConfig(NODE_A, sampleConfig());
    const plain = new AdsClient(`127.0.0.1:${port}`);
    onCleanup(() => plain.close());
    const s1 = plain.sotw({ id: NODE_A });
    s1.request({ typeUrl: XdsTypes.cluster });
    expect((await s1.ended()).code).toBe(status.UNAVAILABLE);

    const other = createTestCa('Untrusted Server CA');
    const wrongTrust = new AdsClient(
      `127.0.0.1:${port}`,
      {},
      { credentials: credentials.createSsl(other.cert(), testPki().clientA.key, testPki().clientA.cert) },
    );
    onCleanup(() => wrongTrust.close());
    const s2 = wrongTrust.sotw({ id: NODE_A });
    s2.request({ typeUrl: XdsTypes.cluster });
    const e2 = await s2.ended();
    expect(e2.code).toBe(status.UNAVAILABLE);
    expect(server.status()).toEqual([]);
  });

  it('pins node.id for the stream: a later request naming another node ends it with PERMISSION_DENIED', async () => {
    const { server, port } = await tlsServer(certAuthorizer());
    server.setProxyConfig(NODE_A, sampleConfig({ clusters: ['c1'] }));
    const s = tlsClient(port, testPki().clientA).sotw({ id: NODE_A });
    s.request({ typeUrl: XdsTypes.cluster });
    const r = await s.next();
    s.send({
      node: { id: NODE_B },
      type_url: XdsTypes.cluster,
      version_info: r.versionInfo,
      response_nonce: r.nonce,
    });
    const end = await s.ended();
    expect(end.code).toBe(status.PERMISSION_DENIED);
    expect(end.details).toMatch(/pinned/);
  });

  it('re-reads rotated certificate files: new handshakes get the new one, a live stream keeps going', async () => {
    const p = testPki();
    const dir = mkdtempSync(join(tmpdir(), 'plexus-rotate-'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    copyFileSync(p.server.certFile, certFile);
    copyFileSync(p.server.keyFile, keyFile);
    const creds = new ReloadingServerCredentials(
      { certFile, keyFile, clientCaFile: p.ca.certFile },
      { pollMs: 50 },
    );
    const reloads: string[] = [];
    const errors: string[] = [];
    creds.events.on('reload', (e) => reloads.push(e.fingerprint256));
    creds.events.on('error', (e) => errors.push(e.message));
    const server = new XdsServer({
      resolveProxy: (n) => n.id,
      authorize: certAuthorizer(),
      credentials: creds,
    });
    const port = await server.listen('127.0.0.1:0');
    onCleanup(async () => {
      creds.close();
      await server.shutdown(200);
    });
    server.setProxyConfig(NODE_A, sampleConfig({ clusters: ['c1'] }));
    const s = tlsClient(port, p.clientA).sotw({ id: NODE_A });
    s.request({ typeUrl: XdsTypes.endpoint, names: ['c1'] });
    s.ack(await s.next(), ['c1']);
    const before = (await handshake(port)).fingerprint;

    // a key that is not the certificate's is refused; the old pair keeps serving
    const next = issueCert(p.ca, { cn: 'plexus-2', ips: ['127.0.0.1'], dns: ['localhost'], usage: 'server' });
    copyFileSync(next.certFile, `${certFile}.tmp`);
    renameSync(`${certFile}.tmp`, certFile);
    await waitFor(() => errors.length > 0, { what: 'mismatched pair refused' });
    expect(errors[0]).toMatch(/does not belong to certificate/);
    expect((await handshake(port)).fingerprint).toBe(before);

    copyFileSync(next.keyFile, `${keyFile}.tmp`);
    renameSync(`${keyFile}.tmp`, keyFile);
    await waitFor(() => reloads.length > 0, { what: 'rotation picked up' });
    const after = (await handshake(port)).fingerprint;
    expect(after).not.toBe(before);
    expect(after).toBe(reloads[0]);

    // the stream opened before the rotation is still served
    server.updateEndpoints(NODE_A, [loadAssignment('c1', [{ host: '127.0.0.9', port: 9 }])]);
    const r = await s.next();
    expect(r.typeUrl).toBe(XdsTypes.endpoint);
    expect(server.status()[0].connected).toBe(true);
  });

  it('serves TLS on a unix socket too', async () => {
    const p = testPki();
    const creds = new ReloadingServerCredentials({
      certFile: p.server.certFile,
      keyFile: p.server.keyFile,
      clientCaFile: p.ca.certFile,
    });
    const server = new XdsServer({
      resolveProxy: (n) => n.id,
      authorize: certAuthorizer(),
      credentials: creds,
    });
    const sock = join(mkdtempSync(join(tmpdir(), 'plexus-sock-')), 'xds.sock');
    await server.listen(`unix://${sock}`);
    onCleanup(async () => {
      creds.close();
      await server.shutdown(200);
    });
    server.setProxyConfig(NODE_A, sampleConfig({ clusters: ['c1'] }));
    const c = new AdsClient(
      `unix://${sock}`,
      { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' },
      { credentials: credentials.createSsl(p.ca.cert(), p.clientA.key, p.clientA.cert) },
    );
    onCleanup(() => c.close());
    const s = c.sotw({ id: NODE_A });
    s.request({ typeUrl: XdsTypes.cluster });
    expect((await s.next()).resources.map((x) => x.name)).toEqual(['c1']);
  });
});
