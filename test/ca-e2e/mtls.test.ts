/**
 * Issue 13, first proof: an App Mesh spec with ACM TLS runs on Plexus with mTLS between real Envoys whose
 * certificates the daemon's mesh CA issued over SDS, for HTTP and gRPC; a client expecting a SAN the server
 * does not carry is refused by its own Envoy; a raw ADS client proved as one node gets none of another's
 * secrets.
 */
import { credentials } from '@grpc/grpc-js';
import { AdsClient, XdsTypes } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaMesh, RPC_HOST, spiffeOf, startCaMesh } from './ca-mesh.ts';
import { heldCertificates, listenerHandshakes } from './envoy-certs.ts';

describe('mesh CA: ACM TLS between real Envoys', () => {
  let mesh: CaMesh;

  beforeAll(async () => {
    mesh = await startCaMesh();
  });

  afterAll(async () => {
    await mesh?.stop();
  });

  it('carries HTTP and gRPC over mTLS with the certificates the mesh CA issued to each proxy', async () => {
    expect(await mesh.http()).toEqual({ status: 200, body: 'web' });
    expect(await mesh.grpc()).toBe('rpc');

    const certs = mesh.daemon.meshCertificates!;
    for (const [node, names] of [
      ['web', [`dns:web.camesh.local`]],
      ['rpc', [`dns:${RPC_HOST}`]],
      ['client', []],
    ] as const) {
      const held = await heldCertificates(mesh.envoys[node]);
      const issued = certs.current(`mesh/camesh/virtualNode/${node}`)!;
      // Envoy holds the very leaf issued for it, with its SPIFFE ID and the DNS names of what it provides.
      const leaf = held.leaves.find((c) => c.serial === issued.serial);
      expect(leaf, `${node}'s Envoy holds serial ${issued.serial}`).toBeDefined();
      expect(leaf!.sans.sort()).toEqual([...names, `uri:${spiffeOf(node)}`]);
      expect(held.caSerials).toContain(mesh.generatedCa().serial());
    }
    // web's listener did TLS handshakes, each with a client certificate it verified (required).
    expect(await listenerHandshakes(mesh.envoys.web)).toBeGreaterThan(0);
  });

  it('a client whose SAN list does not match the server certificate is refused by its Envoy', async () => {
    const r = await mesh.http('stranger');
    expect(r.status).toBe(503);
    const cluster = (await mesh.envoys.stranger.admin('/clusters'))
      .split('\n')
      .find((l) => l.startsWith('cds_egress_camesh_web_'))!
      .split('::')[0]!;
    expect(await mesh.envoys.stranger.stat(`cluster.${cluster}.ssl.fail_verify_san`)).toBeGreaterThan(0);
    // The right client is still served.
    expect((await mesh.http()).body).toBe('web');
  });

  it("a raw ADS client proved as node client gets none of web's secrets, and cannot claim to be web", async () => {
    const ads = new AdsClient(
      `127.0.0.1:${mesh.daemon.xdsPort}`,
      {},
      {
        credentials: credentials.createSsl(mesh.tls.ca.cert()),
        metadata: { authorization: `Bearer ${mesh.tokens.client}` },
      },
    );
    try {
      const s = ads.sotw({ id: 'mesh/camesh/virtualNode/client' });
      s.request({ typeUrl: XdsTypes.secret, names: [spiffeOf('web'), spiffeOf('client')] });
      const got = await s.nextOf(XdsTypes.secret, 20_000);
      expect(got.resources.map((r) => r.name)).toEqual([spiffeOf('client')]);
      s.close();

      const impostor = ads.sotw({ id: 'mesh/camesh/virtualNode/web' });
      impostor.request({ typeUrl: XdsTypes.secret, names: [spiffeOf('web')] });
      const end = await impostor.ended();
      expect(end.code).toBe(7);
      expect(end.details).not.toContain('\n');
      expect(end.details).toMatch(
        /for mesh\/camesh\/virtualNode\/client .*node\.id "mesh\/camesh\/virtualNode\/web"/,
      );
    } finally {
      ads.close();
    }
  });
});
