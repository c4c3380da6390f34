import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
} from '@aws-sdk/client-acm-pca';
import { type MotoServer, startMoto } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsPcaCa, MeshCa } from '../src/index.ts';
import { leafOf, verifiesAgainst } from './helpers.ts';

/** A root CA in moto's ACM PCA, activated the way the console does it: CSR, self-issue, import. */
async function createActiveRootCa(moto: MotoServer): Promise<string> {
  const pca = new ACMPCAClient({
    region: moto.region,
    endpoint: moto.endpoint,
    credentials: moto.credentials,
  });
  const { CertificateAuthorityArn: arn } = await pca.send(
    new CreateCertificateAuthorityCommand({
      CertificateAuthorityType: 'ROOT',
      CertificateAuthorityConfiguration: {
        KeyAlgorithm: 'RSA_2048',
        SigningAlgorithm: 'SHA256WITHRSA',
        Subject: { CommonName: 'Plexus test PCA', Organization: 'Plexus' },
      },
    }),
  );
  const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: arn }));
  const { CertificateArn } = await pca.send(
    new IssueCertificateCommand({
      CertificateAuthorityArn: arn,
      Csr: new TextEncoder().encode(Csr),
      SigningAlgorithm: 'SHA256WITHRSA',
      TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
      Validity: { Type: 'YEARS', Value: 10 },
    }),
  );
  const { Certificate } = await pca.send(
    new GetCertificateCommand({ CertificateAuthorityArn: arn, CertificateArn }),
  );
  await pca.send(
    new ImportCertificateAuthorityCertificateCommand({
      CertificateAuthorityArn: arn,
      Certificate: new TextEncoder().encode(Certificate),
    }),
  );
  pca.destroy();
  return arn!;
}

describe('AwsPcaCa against moto (real SDK)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('has AWS Private CA sign each leaf for a key Plexus generated; SANs pass through the CSR', async () => {
    const arn = await createActiveRootCa(moto);
    const backend = new AwsPcaCa({
      certificateAuthorityArn: arn,
      region: moto.region,
      endpoint: moto.endpoint,
      client: { credentials: moto.credentials },
    });
    await backend.start();
    try {
      expect(backend.trustBundle()).toHaveLength(1);
      const ca = new MeshCa({ backend, trustDomain: 'plexus.local' });
      const cert = await ca.issue('mesh/colorapp/virtualNode/red', ['red.colorapp.local']);
      const leaf = leafOf(cert.certificateChain);
      expect(leaf.subjectAltName).toBe(
        'URI:spiffe://plexus.local/mesh/colorapp/virtualNode/red, DNS:red.colorapp.local',
      );
      expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(verifiesAgainst(leaf, backend.trustBundle())).toBe(true);
      // The root is the anchor, not part of the chain sent with the leaf.
      expect(cert.certificateChain.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    } finally {
      backend.close();
    }
  });

  it('says in one line which CA it could not reach', async () => {
    const backend = new AwsPcaCa({
      certificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/missing',
      region: moto.region,
      endpoint: moto.endpoint,
      client: { credentials: moto.credentials },
    });
    await expect(backend.start()).rejects.toThrow(
      /ca\.awsPca: GetCertificateAuthorityCertificate arn:.*missing/,
    );
    backend.close();
  });
});
