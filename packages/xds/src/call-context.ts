import type { ServerDuplexStream, ServerReadableStream, ServerUnaryCall } from '@grpc/grpc-js';
import type { StreamAuthContext } from './authorize.ts';

/** `1.2.3.4:5678` or `::1:5678` (grpc-js's form) → the IP; undefined for unix sockets ("unknown"). */
function peerAddressOf(peer: string): string | undefined {
  const i = peer.lastIndexOf(':');
  if (i <= 0) return undefined;
  return peer.slice(0, i).replace(/^\[|\]$/g, '') || undefined;
}

/** The transport facts of a call: peer, verified client certificate, headers. */
export function callAuthContext(
  call:
    | ServerDuplexStream<unknown, unknown>
    | ServerReadableStream<unknown, unknown>
    | ServerUnaryCall<unknown, unknown>,
  tls: boolean,
): Omit<StreamAuthContext, 'node' | 'proxyKey' | 'variant'> {
  const peer = call.getPeer();
  const auth = call.getAuthContext();
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(call.metadata.getMap())) {
    metadata[k.toLowerCase()] = typeof v === 'string' ? v : v.toString('utf8');
  }
  return {
    peer,
    peerAddress: peerAddressOf(peer),
    tls,
    peerCertificate: auth.sslPeerCertificate,
    metadata,
  };
}
