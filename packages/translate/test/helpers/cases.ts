import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGraph, type MeshGraph, parseProxyId, proxyIds } from '@plexus/graph';
import type { EndpointSet } from '@plexus/plugin-api';
import { type LoadAndValidateResult, loadAndValidate } from '@plexus/spec';
import { type EnvoyConfig, type TranslateOptions, translateProxy } from '@plexus/translate';

export const goldenRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

export function caseNames(): string[] {
  return readdirSync(goldenRoot)
    .filter((d) => existsSync(join(goldenRoot, d, 'in')))
    .sort();
}

export interface CaseResult {
  loaded: LoadAndValidateResult;
  graph: MeshGraph;
  /** Output file name (`<mesh>.<kind>.<name>.json`) → config. */
  outputs: Map<string, EnvoyConfig>;
  options: TranslateOptions;
}

/** What `plexus bootstrap` puts in every proxy's static resources that translated config may name. */
export function bootstrapClustersFor(options: TranslateOptions): Record<string, unknown>[] {
  const name = options.telemetry?.grpcCluster;
  if (!name) return [];
  return [
    {
      name,
      type: 'STATIC',
      connect_timeout: '1s',
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
      load_assignment: {
        cluster_name: name,
        endpoints: [
          {
            lb_endpoints: [
              { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 18000 } } } },
            ],
          },
        ],
      },
    },
  ];
}

/** `mesh/m/virtualNode/n` → `m.virtualNode.n.json`. */
export function outputFileName(proxyId: string): string {
  const ref = parseProxyId(proxyId)!;
  return `${ref.mesh}.${ref.kind}.${ref.name}.json`;
}

/** Loads `<case>/in/*.yaml` with the spec loader and translates every proxy. */
export function runCase(name: string): CaseResult {
  const dir = join(goldenRoot, name);
  const inDir = join(dir, 'in');
  const files = readdirSync(inDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => ({ path: f, content: readFileSync(join(inDir, f), 'utf8') }));
  const loaded = loadAndValidate(files);
  const graph = buildGraph(loaded.resources);
  const endpointsFile = join(dir, 'endpoints.json');
  const sets: Record<string, EndpointSet> = existsSync(endpointsFile)
    ? JSON.parse(readFileSync(endpointsFile, 'utf8'))
    : {};
  const optionsFile = join(dir, 'options.json');
  const options: TranslateOptions = existsSync(optionsFile)
    ? JSON.parse(readFileSync(optionsFile, 'utf8'))
    : {};
  const outputs = new Map<string, EnvoyConfig>();
  for (const id of proxyIds(graph)) {
    outputs.set(
      outputFileName(id),
      translateProxy(graph, parseProxyId(id)!, (m, n) => sets[`${m}/${n}`], options),
    );
  }
  return { loaded, graph, outputs, options };
}

export function allResources(cfg: EnvoyConfig): Record<string, unknown>[] {
  return [...cfg.listeners, ...cfg.routes, ...cfg.clusters, ...cfg.endpoints, ...cfg.secrets];
}
