import type { Protocol } from '@plexus/graph';
import { type Json, TYPE } from '../types.ts';

/** http2 and grpc upstreams speak HTTP/2 (prior knowledge); http and tcp need nothing. */
export function applyUpstreamProtocol(cluster: Json, protocol: Protocol): void {
  if (protocol !== 'http2' && protocol !== 'grpc') return;
  cluster.typed_extension_protocol_options = {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': TYPE.httpProtocolOptions,
      explicit_http_config: { http2_protocol_options: {} },
    },
  };
}
