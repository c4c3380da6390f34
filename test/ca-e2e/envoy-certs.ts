/** What a real Envoy's admin says about its TLS: the certificates it holds (/certs) and its handshakes. */
import type { EnvoyUnderTest } from '../security-e2e/envoy.ts';

interface CertsDoc {
  certificates: {
    ca_cert: { serial_number: string }[];
    cert_chain: { serial_number: string; subject_alt_names: { uri?: string; dns?: string }[] }[];
  }[];
}

export interface HeldCertificates {
  /** Leaves Envoy presents, with their SANs as `uri:...` / `dns:...`. */
  leaves: { serial: string; sans: string[] }[];
  /** CA certificates of its validation contexts. */
  caSerials: string[];
}

export async function heldCertificates(envoy: EnvoyUnderTest): Promise<HeldCertificates> {
  const doc = JSON.parse(await envoy.admin('/certs')) as CertsDoc;
  return {
    leaves: doc.certificates.flatMap((c) =>
      c.cert_chain.map((l) => ({
        serial: l.serial_number,
        sans: l.subject_alt_names.map((s) => (s.uri ? `uri:${s.uri}` : `dns:${s.dns}`)),
      })),
    ),
    caSerials: [...new Set(doc.certificates.flatMap((c) => c.ca_cert.map((a) => a.serial_number)))],
  };
}

/** TLS handshakes done by an Envoy's listeners (the mesh listeners require client certificates). */
export async function listenerHandshakes(envoy: EnvoyUnderTest): Promise<number> {
  const text = await envoy.admin('/stats?filter=^listener\\..*\\.ssl\\.handshake$');
  return text
    .split('\n')
    .filter((l) => /^listener\.\d/.test(l))
    .reduce((n, l) => n + Number(l.split(': ')[1]), 0);
}

/**
 * Failed TLS handshakes and failed peer checks on an Envoy's clusters and listeners. Requests are retried on
 * connect failures (App Mesh's default retry policy), so a request count alone could hide a failed handshake.
 */
export async function tlsFailures(envoy: EnvoyUnderTest): Promise<Record<string, number>> {
  const text = await envoy.admin(
    '/stats?filter=^(cluster|listener)\\..*\\.ssl\\.(connection_error|fail_verify_[a-z_]+)$',
  );
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [name, value] = line.split(': ');
    if (name && Number(value) > 0) out[name] = Number(value);
  }
  return out;
}
