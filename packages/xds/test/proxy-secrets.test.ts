import { XdsTypes } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { NODE, sampleConfig, startHarness } from './harness.ts';

const A = NODE;
const B = 'mesh/m/virtualNode/b';
const secret = (name: string, pem: string) => ({
  '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
  name,
  validation_context: { trusted_ca: { inline_string: pem } },
});

describe('per-proxy secrets (mesh CA)', () => {
  it("a stream for node A asking for node B's secret names gets only A's; a renewal comes on the same stream", async () => {
    // Only a stream whose identity is A may be A (the daemon's authorizer does this with real credentials).
    const { server, client } = await startHarness({
      authorize: (ctx) =>
        ctx.metadata['x-test-identity'] === ctx.proxyKey
          ? { identity: { proxyKey: ctx.proxyKey, method: 'token' } }
          : { code: 'PERMISSION_DENIED', message: 'identity does not name node.id' },
    });
    for (const key of [A, B]) {
      server.setProxyConfig(key, sampleConfig());
      server.setProxySecrets(key, [secret(`spiffe://plexus.local/${key}`, `cert of ${key}`)]);
    }
    const s = client().sotw({ id: A }, { 'x-test-identity': A });
    s.request({
      typeUrl: XdsTypes.secret,
      names: [`spiffe://plexus.local/${B}`, `spiffe://plexus.local/${A}`],
    });
    const first = await s.nextOf(XdsTypes.secret);
    expect(first.resources.map((r) => r.name)).toEqual([`spiffe://plexus.local/${A}`]);
    s.ack(first, [`spiffe://plexus.local/${B}`, `spiffe://plexus.local/${A}`]);

    // Only B's name: nothing of B's, ever.
    s.request({
      typeUrl: XdsTypes.secret,
      names: [`spiffe://plexus.local/${B}`],
      versionInfo: first.versionInfo,
      nonce: first.nonce,
    });
    // SDS is not a full-state type: with nothing of A's asked for, nothing is sent (B's is never a candidate).
    const onlyB = (await s.receivesWithin(1500)) ? await s.nextOf(XdsTypes.secret) : undefined;
    expect(onlyB?.resources ?? []).toEqual([]);

    // A renewal: new content, same stream.
    s.request({
      typeUrl: XdsTypes.secret,
      names: [`spiffe://plexus.local/${A}`],
      versionInfo: first.versionInfo,
      nonce: onlyB?.nonce ?? first.nonce,
    });
    server.setProxySecrets(A, [secret(`spiffe://plexus.local/${A}`, 'renewed cert of A')]);
    let renewed = await s.nextOf(XdsTypes.secret);
    while (renewed.resources.length === 0) renewed = await s.nextOf(XdsTypes.secret);
    const vc = renewed.resources[0]!.value.validation_context as { trusted_ca: { inline_string: string } };
    expect(vc.trusted_ca.inline_string).toBe('renewed cert of A');
    expect(renewed.versionInfo).not.toBe(first.versionInfo);

    // A stream claiming A without A's identity gets nothing at all.
    const impostor = client().sotw({ id: A }, { 'x-test-identity': B });
    impostor.request({ typeUrl: XdsTypes.secret, names: [`spiffe://plexus.local/${A}`] });
    expect((await impostor.ended()).code).toBe(7);
  });

  it('keeps the secrets across a config push and drops them on an empty list', async () => {
    const { server, client } = await startHarness();
    server.setProxySecrets(A, [secret('s', 'x')]);
    server.setProxyConfig(A, sampleConfig());
    server.setProxyConfig(A, sampleConfig({ port: 10001 }));
    const s = client().sotw({ id: A });
    s.request({ typeUrl: XdsTypes.secret, names: ['s'] });
    const got = await s.nextOf(XdsTypes.secret);
    expect(got.resources.map((r) => r.name)).toEqual(['s']);
    s.ack(got, ['s']);
    server.setProxySecrets(A, []);
    const fresh = client().sotw({ id: A });
    fresh.request({ typeUrl: XdsTypes.secret, names: ['s'] });
    expect((await fresh.nextOf(XdsTypes.secret)).resources).toEqual([]);
  });
});
