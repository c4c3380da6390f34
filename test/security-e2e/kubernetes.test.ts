import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, status } from '@grpc/grpc-js';
import { KubernetesAuthenticator } from '@plexus/security';
import { AdsClient, FakeKubeApiServer, waitFor, XdsTypes } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../xds-e2e/helpers.ts';
import { type EnvoyUnderTest, startEnvoy } from './envoy.ts';
import { startTlsXds, type TlsXds } from './tls-fixture.ts';

const FRONT = 'mesh/colorapp/virtualNode/front';
const BLUE = 'mesh/colorapp/virtualNode/blue';

describe('Kubernetes service-account tokens through TokenReview', () => {
  let kube: FakeKubeApiServer;
  let t: TlsXds;
  let dir: string;
  const envoys: EnvoyUnderTest[] = [];
  const clients: AdsClient[] = [];

  const ads = (token: string, node: string) => {
    const c = new AdsClient(
      `127.0.0.1:${t.port}`,
      {},
      { credentials: credentials.createSsl(t.ca.cert()), metadata: { authorization: `Bearer ${token}` } },
    );
    clients.push(c);
    const s = c.sotw({ id: node });
    s.request({ typeUrl: XdsTypes.cluster });
    return s;
  };

  beforeAll(async () => {
    kube = new FakeKubeApiServer();
    await kube.start();
    dir = mkdtempSync(join(tmpdir(), 'plexus-k8s-'));
    const reviewer = join(dir, 'reviewer.token');
    writeFileSync(reviewer, kube.tokens.reviewerToken);
    t = await startTlsXds([
      new KubernetesAuthenticator({
        server: kube.url,
        tokenFile: reviewer,
        audience: 'plexus',
        bindings: [{ serviceAccount: 'colorapp/*', nodes: ['mesh/colorapp/virtualNode/{name}'] }],
      }),
    ]);
    t.serve(FRONT);
    t.serve(BLUE);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const e of envoys) await e.proc.stop();
    await t?.close();
    await kube?.stop();
  });

  it('real Envoy with a projected token file (audience plexus) gets its node and carries traffic', async () => {
    const file = join(dir, 'front.token');
    writeFileSync(
      file,
      await kube.tokens.issue('colorapp', 'front', { audiences: ['plexus'], ttlSeconds: 600 }),
    );
    const e = await startEnvoy({
      node: FRONT,
      xdsAddress: `127.0.0.1:${t.port}`,
      xdsCaFile: t.ca.certFile,
      tokenFile: file,
    });
    envoys.push(e);
    await waitFor(async () => (await get(t.listenPort)).status === 200, {
      timeoutMs: 30_000,
      what: 'traffic',
    });
    const st = t.xds.status().find((s) => s.proxyKey === FRONT);
    expect(st?.identity).toMatchObject({ method: 'kubernetes', subject: 'serviceaccount colorapp/front' });
    expect(kube.tokens.counts.reviews).toBeGreaterThan(0);
  });

  it('the service account of front asking as blue: PERMISSION_DENIED naming both', async () => {
    const token = await kube.tokens.issue('colorapp', 'front', { audiences: ['plexus'] });
    const end = await ads(token, BLUE).ended();
    expect(end.code).toBe(status.PERMISSION_DENIED);
    expect(end.details).toContain('serviceaccount colorapp/front');
    expect(end.details).toContain(BLUE);
  });

  it('a token for another audience, an expired one, and a service account without a binding are refused', async () => {
    const wrongAud = await kube.tokens.issue('colorapp', 'front', { audiences: ['vault'] });
    const e1 = await ads(wrongAud, FRONT).ended();
    expect(e1.code).toBe(status.UNAUTHENTICATED);
    expect(e1.details).toMatch(/invalid for the target audiences/);

    const expired = await kube.tokens.issue('colorapp', 'front', { audiences: ['plexus'], ttlSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const e2 = await ads(expired, FRONT).ended();
    expect(e2.code).toBe(status.UNAUTHENTICATED);
    expect(e2.details).toMatch(/expired/);

    const stranger = await kube.tokens.issue('default', 'front', { audiences: ['plexus'] });
    const e3 = await ads(stranger, FRONT).ended();
    expect(e3.code).toBe(status.PERMISSION_DENIED);
    expect(e3.details).toMatch(/serviceaccount default\/front may be no node/);
  });
});
