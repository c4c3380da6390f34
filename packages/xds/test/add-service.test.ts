import { Client, credentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { XdsServer } from '../src/index.ts';

const raw = (b: Buffer) => b;
const definition = {
  Echo: {
    path: '/test.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

describe('XdsServer.addService', () => {
  it('hosts another gRPC service on the xDS port, and only before listen()', async () => {
    const server = new XdsServer({ resolveProxy: (n) => n.id });
    server.addService(definition, {
      Echo: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => done(null, call.request),
    });
    const port = await server.listen('127.0.0.1:0');
    try {
      expect(() => server.addService(definition, {})).toThrow(/already listening/);
      const c = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
      const reply = await new Promise<Buffer>((resolve, reject) =>
        c.makeUnaryRequest('/test.Echo/Echo', raw, raw, Buffer.from('hi'), (e, r) =>
          e ? reject(e) : resolve(r!),
        ),
      );
      expect(reply.toString()).toBe('hi');
      c.close();
    } finally {
      await server.shutdown(100);
    }
  });
});

describe('XdsServer.shutdown', () => {
  it('returns within its grace time (plus a second) while a hosted service holds a stream open', async () => {
    const server = new XdsServer({ resolveProxy: (n) => n.id });
    server.addService(
      {
        Hold: {
          path: '/test.Hold/Hold',
          requestStream: true,
          responseStream: true,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        },
      },
      { Hold: () => {} }, // never ends the call
    );
    const port = await server.listen('127.0.0.1:0');
    const c = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    const call = c.makeBidiStreamRequest('/test.Hold/Hold', raw, raw);
    call.on('error', () => {});
    call.write(Buffer.from('x'));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await server.shutdown(300);
    expect(Date.now() - t0).toBeLessThan(1500);
    c.close();
  });
});
