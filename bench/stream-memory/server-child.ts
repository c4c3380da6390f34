/**
 * One server for bench:stream-memory, in its own process with the daemon's V8 flags and --expose-gc:
 *   http2       a bare node:http2 server answering one request stream per connection (the transport alone)
 *   grpc-floor  a bare grpc-js ADS loop writing pre-encoded responses (bench/floor)
 *   plexus-xds  Plexus's XdsServer, every client resolved to one proxy's config
 * IPC in: { measure }, { snapshot: path }; out: { ready: port }, { measured: MemoryUsage }, { snapped }.
 */
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { writeHeapSnapshot } from 'node:v8';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { TypeUrl, XdsServer } from '@plexus/xds';
import { ResourceCache } from '../../packages/xds/src/resource-cache.ts';
import { encodeSotwResponse } from '../../packages/xds/src/wire.ts';
import { adsBytesService } from '../floor/ads-bytes-service.ts';
import { proxyConfig } from './config.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('server-child needs --expose-gc');

async function http2(): Promise<number> {
  const held: unknown[] = [];
  const srv = createServer();
  srv.on('stream', (stream) => {
    held.push(stream);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    stream.write(Buffer.alloc(512));
    stream.on('data', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

async function grpcFloor(): Promise<number> {
  const cache = new ResourceCache();
  const encoded = new Map<string, Uint8Array[]>();
  for (const [typeUrl, list] of Object.entries(proxyConfig().byType))
    encoded.set(
      typeUrl,
      list.map((j) => cache.entryFor(typeUrl, j).any),
    );
  const server = new Server({ 'grpc.max_send_message_length': -1, 'grpc.enable_channelz': 0 });
  let nonce = 0;
  server.addService(adsBytesService(), {
    StreamAggregatedResources: (
      call: ServerDuplexStream<
        { type_url: string; response_nonce: string; version_info: string },
        Uint8Array
      >,
    ) => {
      call.on('data', (req) => {
        if (req.response_nonce && req.version_info) return; // an ACK
        call.write(encodeSotwResponse('1', req.type_url, String(++nonce), encoded.get(req.type_url) ?? []));
      });
      call.on('end', () => call.end());
    },
  });
  return new Promise((r, j) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))),
  );
}

async function plexus(): Promise<number> {
  const xds = new XdsServer({ resolveProxy: () => 'all' });
  const port = await xds.listen('127.0.0.1:0');
  xds.setProxyConfig('all', proxyConfig().config);
  return port;
}

const mode = process.argv[2];
const port = mode === 'http2' ? await http2() : mode === 'grpc-floor' ? await grpcFloor() : await plexus();
void TypeUrl;
process.on('message', (m: { measure?: boolean; snapshot?: string }) => {
  if (m.measure) {
    gc();
    gc();
    process.send?.({ measured: process.memoryUsage() });
  }
  if (m.snapshot) {
    gc();
    writeHeapSnapshot(m.snapshot);
    process.send?.({ snapped: m.snapshot });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: port });
