import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateNeeds, certificateSecret, GeneratedCa, MeshCa, trustBundleSecret } from '@plexus/ca';
import { parseProxyId } from '@plexus/graph';
import { meshCertificateSecretName, meshTrustBundleSecretName } from '@plexus/translate';
import type { CaseResult } from './cases.ts';

let shared: Promise<MeshCa> | undefined;

function meshCa(trustDomain: string): Promise<MeshCa> {
  shared ??= (async () => {
    const backend = new GeneratedCa({
      stateDir: mkdtempSync(join(tmpdir(), 'plexus-golden-ca-')),
      trustDomain,
    });
    await backend.start();
    return new MeshCa({ backend, trustDomain });
  })();
  return shared;
}

/** The SDS secrets the mesh CA would send a golden case's proxy, issued by a throw-away generated CA. */
export async function meshCaSecretsFor(
  result: CaseResult,
  outputFile: string,
  config: unknown,
): Promise<Record<string, unknown>[]> {
  const td = result.options.meshCa?.trustDomain;
  if (!td) return [];
  const [mesh, kind, name] = outputFile.replace(/\.json$/, '').split('.');
  const ref = parseProxyId(`mesh/${mesh}/${kind}/${name}`)!;
  const needs = certificateNeeds(td, ref, config, result.graph);
  if (!needs) return [];
  const ca = await meshCa(td);
  const out: Record<string, unknown>[] = [];
  if (needs.certificate) {
    const cert = await ca.issue(`mesh/${mesh}/${kind}/${name}`, needs.dnsNames);
    out.push({ ...certificateSecret(meshCertificateSecretName(td, ref), cert) });
  }
  out.push({ ...trustBundleSecret(meshTrustBundleSecretName(td), ca.trustBundlePem()) });
  return out;
}
