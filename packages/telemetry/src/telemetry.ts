import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';
import {
  type AccessLogServiceCounters,
  type AuthorizeTelemetryStream,
  accessLogService,
  type StreamRefusal,
} from './access-log-service.ts';
import { type EdgesDocument, edgesDocument } from './document.ts';
import { EdgeStore, type EdgeStoreOptions } from './edge-store.ts';
import { registerTelemetryMetrics } from './prometheus.ts';
import { edgeSeriesText } from './prometheus-text.ts';

export interface TelemetryOptions extends EdgeStoreOptions {
  /** Hook for the proxy identity check of each access log stream (see AuthorizeTelemetryStream). */
  authorize?: AuthorizeTelemetryStream;
  onRefused?: (nodeId: string, r: StreamRefusal) => void;
  /** How often idle edges are swept (ms). Default 30 s. */
  sweepMs?: number;
}

/** A gRPC service to host on the xDS server (same port, credentials and identity checks). */
export interface HostedService {
  definition: ServiceDefinition;
  handlers: UntypedServiceImplementation;
}

export interface Telemetry {
  store: EdgeStore;
  counters: AccessLogServiceCounters;
  /** Envoy's AccessLogService, to pass to XdsServer.addService. */
  accessLogService: HostedService;
  registerMetrics(registry: Registry): void;
  /** The per-edge series in Prometheus text, for /metrics to append to the registry's output. */
  prometheusText(): string;
  edges(windowSeconds?: number, mesh?: string): EdgesDocument;
  /** GET /api/v1/telemetry/edges[?window=S&mesh=M]: true when it answered. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Stops the sweep and ends the open access log streams (UNAVAILABLE): call it as the xDS server shuts down. */
  stop(): void;
}

export const TELEMETRY_HTTP_PREFIX = '/api/v1/telemetry';

/** Mesh telemetry from Envoy's access log service: per-edge aggregation, Prometheus series and a JSON API. */
export function createTelemetry(o: TelemetryOptions = {}): Telemetry {
  const store = new EdgeStore(o);
  const service = accessLogService(store, { authorize: o.authorize, onRefused: o.onRefused });
  const sweep = setInterval(() => store.expire(), o.sweepMs ?? 30_000);
  sweep.unref();
  const edges = (windowSeconds = 10, mesh?: string) => edgesDocument(store, windowSeconds, mesh);
  return {
    store,
    counters: service.counters,
    accessLogService: { definition: service.definition, handlers: service.handlers },
    registerMetrics: (registry) => registerTelemetryMetrics(registry, store, service.counters),
    prometheusText: () => edgeSeriesText(store),
    edges,
    handleHttp(req, res) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname !== `${TELEMETRY_HTTP_PREFIX}/edges`) return false;
      if (req.method !== 'GET') {
        res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET' });
        res.end('only GET\n');
        return true;
      }
      const window = Number(url.searchParams.get('window') ?? 10);
      if (!Number.isFinite(window) || window <= 0) {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('window must be a number of seconds (1..60)\n');
        return true;
      }
      const body = edges(window, url.searchParams.get('mesh') ?? undefined);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
      return true;
    },
    stop() {
      clearInterval(sweep);
      service.endStreams('the daemon is shutting down');
    },
  };
}
