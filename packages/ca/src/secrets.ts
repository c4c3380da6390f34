import type { IssuedCertificate } from './mesh-ca.ts';

const SECRET_TYPE = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

/** An Envoy SDS Secret in proto3 JSON, as the xDS server encodes it. */
export interface EnvoySecret {
  '@type': typeof SECRET_TYPE;
  name: string;
  tls_certificate?: {
    certificate_chain: { inline_string: string };
    private_key: { inline_string: string };
  };
  validation_context?: { trusted_ca: { inline_string: string } };
}

export function certificateSecret(name: string, cert: IssuedCertificate): EnvoySecret {
  return {
    '@type': SECRET_TYPE,
    name,
    tls_certificate: {
      certificate_chain: { inline_string: cert.certificateChain },
      private_key: { inline_string: cert.privateKey },
    },
  };
}

export function trustBundleSecret(name: string, bundlePem: string): EnvoySecret {
  return { '@type': SECRET_TYPE, name, validation_context: { trusted_ca: { inline_string: bundlePem } } };
}
