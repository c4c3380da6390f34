/**
 * The corpus's ACM TLS walkthrough (walkthroughs/tls-with-acm, a CloudFormation template: a gateway trusting an
 * ACM Private CA, a virtual node terminating TLS with an ACM certificate) loaded unchanged with its parameters,
 * translated with the ACM Private CA mapped to the Plexus mesh CA: every ACM field becomes an SDS secret
 * served over ADS (the proxy's own certificate, the mesh bundle), every proxy passes Envoy's validate, and an
 * ARN the mesh CA does not stand in for is refused at its file and line.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateNeeds, certificateSecret, GeneratedCa, MeshCa, trustBundleSecret } from '@plexus/ca';
import { buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import { createImportReaders } from '@plexus/import';
import { loadAndValidate } from '@plexus/spec';
import { corpusDir, envoyValidate } from '@plexus/testkit';
import { translateProxy, UnsupportedFeatureError } from '@plexus/translate';
import { describe, expect, it } from 'vitest';

const CA_ARN =
  'arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/0f0f0f0f-aaaa-bbbb-cccc-444455556666';
const CERT_ARN = 'arn:aws:acm:us-west-2:111122223333:certificate/0f0f0f0f-1111-2222-3333-444455556666';
const FILE = 'walkthroughs__tls-with-acm__mesh__mesh.yaml';

async function load() {
  const readers = await createImportReaders({});
  const result = loadAndValidate(
    [
      { path: FILE, content: readFileSync(join(corpusDir, FILE), 'utf8') },
      {
        path: 'plexus-values.yaml',
        content: `parameters:\n  MeshName: color-mesh\n  ServicesDomain: default.svc.cluster.local\n  CertificateAuthorityArn: "${CA_ARN}"\n  CertificateArn: "${CERT_ARN}"\n`,
      },
    ],
    { readers },
  );
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildGraph(result.resources);
}

/** Names of the SDS secrets a config fetches over ADS. */
function adsSecrets(config: unknown, out: string[] = []): string[] {
  if (Array.isArray(config)) for (const v of config) adsSecrets(v, out);
  else if (config && typeof config === 'object') {
    const o = config as Record<string, unknown>;
    const sds = o.sds_config as Record<string, unknown> | undefined;
    if (typeof o.name === 'string' && sds && 'ads' in sds) out.push(o.name);
    for (const v of Object.values(o)) adsSecrets(v, out);
  }
  return out;
}

describe('corpus ACM walkthrough tls-with-acm on the mesh CA', () => {
  it('every proxy translates to mesh CA secrets over ADS and passes Envoy validate', async () => {
    const graph = await load();
    const ids = proxyIds(graph);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const meshCa = { trustDomain: 'plexus.local', acmCertificateAuthorityArns: [CA_ARN] };
    const backend = new GeneratedCa({
      stateDir: mkdtempSync(join(tmpdir(), 'plexus-acm-corpus-')),
      trustDomain: 'plexus.local',
    });
    await backend.start();
    const ca = new MeshCa({ backend, trustDomain: 'plexus.local' });
    const secrets: Record<string, string[]> = {};
    for (const id of ids) {
      const ref = parseProxyId(id)!;
      const cfg = translateProxy(graph, ref, () => undefined, { meshCa });
      secrets[id] = [...new Set(adsSecrets(cfg))].sort();
      // What the daemon's mesh CA would send on this proxy's stream, so Envoy checks the whole thing.
      const needs = certificateNeeds('plexus.local', ref, cfg, graph);
      if (needs?.certificate)
        cfg.secrets = [
          ...(cfg.secrets ?? []),
          { ...certificateSecret(`spiffe://plexus.local/${id}`, await ca.issue(id, needs.dnsNames)) },
        ];
      if (needs)
        cfg.secrets = [
          ...(cfg.secrets ?? []),
          { ...trustBundleSecret('spiffe://plexus.local', ca.trustBundlePem()) },
        ];
      const v = await envoyValidate(cfg);
      expect(v.ok, `${id}: ${v.output}`).toBe(true);
    }
    // The gateway trusts the mesh bundle; the node presents its own Plexus-issued certificate.
    expect(Object.values(secrets).flat()).toContain('spiffe://plexus.local');
    const node = ids.find((i) => i.includes('/virtualNode/'))!;
    expect(secrets[node]).toContain(`spiffe://plexus.local/${node}`);
  });

  it('an ACM Private CA the mesh CA does not stand in for is refused where it is named', async () => {
    const graph = await load();
    const gateway = proxyIds(graph).find((i) => i.includes('/virtualGateway/'))!;
    const meshCa = {
      trustDomain: 'plexus.local',
      acmCertificateAuthorityArns: ['arn:aws:acm-pca:eu-west-1:1:certificate-authority/other'],
    };
    let err: unknown;
    try {
      translateProxy(graph, parseProxyId(gateway)!, () => undefined, { meshCa });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedFeatureError);
    expect((err as Error).message).toMatch(
      new RegExp(`${FILE}:\\d+.*no CA is configured for ${CA_ARN.replace(/[/.]/g, '\\$&')}`),
    );
  });
});
