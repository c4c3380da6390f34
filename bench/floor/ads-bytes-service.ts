import { envoyType } from '@plexus/xds';

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * The ADS (state of the world) method for the benchmarks' bare floor servers: requests decoded as
 * DiscoveryRequest, responses written as the pre-encoded bytes they are given.
 */
export function adsBytesService() {
  const Req = envoyType('envoy.service.discovery.v3.DiscoveryRequest');
  return {
    StreamAggregatedResources: {
      path: '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
      requestStream: true,
      responseStream: true,
      requestSerialize: asBuffer,
      requestDeserialize: (b: Buffer) => Req.decode(b),
      responseSerialize: asBuffer,
      responseDeserialize: (b: Buffer) => b,
    },
  };
}
