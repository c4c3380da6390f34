/**
 * A small OpenTelemetry collector for tests: the OTLP/gRPC TraceService on a free port, decoding with the
 * protobufjs classes @opentelemetry/otlp-transformer ships (no proto files of our own).
 */
import { createRequire } from 'node:module';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: generated protobufjs namespace
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as any;
const v1 = root.opentelemetry.proto.collector.trace.v1;

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}

export interface OtlpReceiver {
  port: number;
  spans: ReceivedSpan[];
  exports: number;
  stop(): Promise<void>;
}

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const server = new Server();
  const r: OtlpReceiver = { port: 0, spans: [], exports: 0, stop: async () => {} };
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: (m: object) => Buffer.from(v1.ExportTraceServiceRequest.encode(m).finish()),
        requestDeserialize: (b: Buffer) => v1.ExportTraceServiceRequest.decode(b),
        responseSerialize: (m: object) => Buffer.from(v1.ExportTraceServiceResponse.encode(m).finish()),
        responseDeserialize: (b: Buffer) => v1.ExportTraceServiceResponse.decode(b),
      },
    },
    {
      // biome-ignore lint/suspicious/noExplicitAny: decoded OTLP message
      Export: (call: ServerUnaryCall<any, object>, done: sendUnaryData<object>) => {
        r.exports++;
        for (const rs of call.request.resourceSpans ?? []) {
          const service =
            // biome-ignore lint/suspicious/noExplicitAny: decoded OTLP message
            (rs.resource?.attributes ?? []).find((a: any) => a.key === 'service.name')?.value?.stringValue ??
            '';
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              r.spans.push({
                service,
                traceId: hex(s.traceId),
                spanId: hex(s.spanId),
                parentSpanId: hex(s.parentSpanId),
                name: s.name,
                kind: s.kind,
              });
            }
          }
        }
        done(null, {});
      },
    },
  );
  r.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  r.stop = () => new Promise((resolve) => server.tryShutdown(() => resolve()));
  return r;
}
