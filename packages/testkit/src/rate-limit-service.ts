/**
 * A small Envoy rate limit service (envoy.service.ratelimit.v3.RateLimitService) for tests: it counts requests
 * per descriptor and answers OVER_LIMIT past `limit` per descriptor, recording every request it saw. The proto
 * definitions are loaded at run time from the Envoy API that @grpc/grpc-js-xds ships (never copied).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { bindInsecure } from './grpc-echo.ts';

const require = createRequire(import.meta.url);

export interface RateLimitEntry {
  key: string;
  value: string;
}

export interface RateLimitCall {
  domain: string;
  descriptors: RateLimitEntry[][];
}

export interface StartedRateLimitService {
  port: number;
  /** Every ShouldRateLimit request, oldest first. */
  calls: RateLimitCall[];
  stop(): Promise<void>;
}

function protoIncludeDirs(): string[] {
  const xds = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(xds, 'deps', d));
}

interface RlsRequest {
  domain: string;
  descriptors: Array<{ entries: RateLimitEntry[] }>;
}

/** `limit` requests pass per distinct descriptor (its entries joined); the rest are OVER_LIMIT. */
export async function startRateLimitService(o: {
  limit: number;
  host?: string;
}): Promise<StartedRateLimitService> {
  const def = protoLoader.loadSync('envoy/service/ratelimit/v3/rls.proto', {
    includeDirs: protoIncludeDirs(),
    keepCase: true,
    enums: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    envoy: { service: { ratelimit: { v3: { RateLimitService: { service: grpc.ServiceDefinition } } } } };
  };
  const calls: RateLimitCall[] = [];
  const seen = new Map<string, number>();
  const server = new grpc.Server();
  server.addService(pkg.envoy.service.ratelimit.v3.RateLimitService.service, {
    ShouldRateLimit(call: grpc.ServerUnaryCall<RlsRequest, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const descriptors = call.request.descriptors.map((d) =>
        d.entries.map((e) => ({ key: e.key, value: e.value })),
      );
      calls.push({ domain: call.request.domain, descriptors });
      const statuses = descriptors.map((entries) => {
        const key = `${call.request.domain}|${entries.map((e) => `${e.key}=${e.value}`).join(',')}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        return { code: n > o.limit ? 'OVER_LIMIT' : 'OK' };
      });
      const over = statuses.some((s) => s.code === 'OVER_LIMIT');
      callback(null, { overall_code: over ? 'OVER_LIMIT' : 'OK', statuses });
    },
  });
  const port = await bindInsecure(server, o.host ?? '127.0.0.1');
  return {
    port,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
