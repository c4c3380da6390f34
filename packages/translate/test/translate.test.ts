import { buildGraph } from '@plexus/graph';
import type { Kind, SpecResource } from '@plexus/spec';
import { translateProxy, UnsupportedFeatureError, withoutApiListeners } from '@plexus/translate';
import { describe, expect, it } from 'vitest';

function res(kind: Kind, name: string, spec: unknown): SpecResource {
  const position = { file: 'mesh.yaml', line: 3, col: 5 };
  return { kind, mesh: 'm', name, spec, format: 'native', position, positionOf: () => position };
}

const base = [
  res('Mesh', 'm', {}),
  res('VirtualNode', 'client', { backends: [{ virtualService: { virtualServiceName: 'svc' } }] }),
  res('VirtualNode', 'server', {
    listeners: [{ portMapping: { port: 50051, protocol: 'grpc' } }],
    serviceDiscovery: { static: { endpoints: [{ address: '10.0.0.1', zone: 'a' }] } },
  }),
  res('VirtualService', 'svc', { provider: { virtualNode: { virtualNodeName: 'server' } } }),
];
const client = { kind: 'virtualNode' as const, mesh: 'm', name: 'client' };

describe('translateProxy', () => {
  it('emits proxyless api_listeners for name and name:port, router filter last', () => {
    const cfg = translateProxy(buildGraph(base), client, () => undefined);
    const api = cfg.listeners.filter((l) => l.api_listener);
    expect(api.map((l) => l.name)).toEqual(['svc', 'svc:50051']);
    const hcm = (api[1]!.api_listener as { api_listener: { http_filters: { name: string }[]; rds: unknown } })
      .api_listener;
    expect(hcm.http_filters.at(-1)!.name).toBe('envoy.filters.http.router');
    expect(hcm.rds).toEqual({
      route_config_name: 'rds_egress_http_50051',
      config_source: { ads: {}, resource_api_version: 'V3' },
    });
    const rc = cfg.routes.find((r) => r.name === 'rds_egress_http_50051')!;
    expect((rc.virtual_hosts as { domains: string[] }[])[0]!.domains).toEqual(['svc', 'svc:50051']);
  });

  it('gives every locality a load_balancing_weight and takes endpoints from the lookup first', () => {
    const cfg = translateProxy(buildGraph(base), client, (mesh, node) =>
      node === 'server'
        ? {
            mesh,
            virtualNode: node,
            source: 'test',
            endpoints: [
              { address: '10.9.9.9', port: 50051, zone: 'b', health: 'healthy' },
              { address: '10.9.9.8', port: 50051, health: 'draining' },
            ],
          }
        : undefined,
    );
    const cla = cfg.endpoints.find((e) => e.cluster_name === 'cds_egress_m_server_grpc_50051')!;
    const localities = cla.endpoints as {
      locality: object;
      load_balancing_weight: number;
      lb_endpoints: unknown[];
    }[];
    expect(localities.map((l) => [l.locality, l.load_balancing_weight, l.lb_endpoints.length])).toEqual([
      [{}, 1, 1],
      [{ zone: 'b' }, 1, 1],
    ]);
  });

  it('switches the App Mesh defaults and proxyless off', () => {
    const graph = buildGraph(base);
    const on = JSON.stringify(translateProxy(graph, client, () => undefined));
    expect(on).toContain('"timeout":"15s"');
    const off = translateProxy(graph, client, () => undefined, {
      appMeshDefaults: { requestTimeout: false, idleTimeout: false },
      proxyless: false,
    });
    expect(JSON.stringify(off)).not.toContain('"timeout":"15s"');
    expect(JSON.stringify(off)).not.toContain('300s');
    expect(off.listeners.some((l) => l.api_listener)).toBe(false);
  });

  it('refuses ACM certificates without the mesh CA, with a positioned reason naming the setting', () => {
    const graph = buildGraph([
      ...base,
      res('VirtualNode', 'acm', {
        listeners: [
          {
            portMapping: { port: 443, protocol: 'http' },
            tls: { mode: 'STRICT', certificate: { acm: { certificateArn: 'arn:aws:acm:x' } } },
          },
        ],
      }),
    ]);
    const run = () => translateProxy(graph, { kind: 'virtualNode', mesh: 'm', name: 'acm' }, () => undefined);
    expect(run).toThrow(UnsupportedFeatureError);
    expect(run).toThrow(
      'mesh.yaml:3:5: VirtualNode m/acm: spec.listeners[0].tls.certificate.acm.certificateArn: an ACM certificate needs the Plexus mesh CA: add a `ca` section to the daemon config',
    );
    const withCa = translateProxy(graph, { kind: 'virtualNode', mesh: 'm', name: 'acm' }, () => undefined, {
      meshCa: { trustDomain: 'plexus.local' },
    });
    expect(JSON.stringify(withCa.listeners)).toContain(
      '{"name":"spiffe://plexus.local/mesh/m/virtualNode/acm","sds_config":{"ads":{},"resource_api_version":"V3"}}',
    );
  });

  it('refuses ACM trust in a client policy unless a CA is configured for every ARN', () => {
    const graph = buildGraph([
      ...base.filter((r) => r.name !== 'client'),
      res('VirtualNode', 'client', {
        backendDefaults: {
          clientPolicy: { tls: { validation: { trust: { acm: { certificateAuthorityArns: ['arn:ca'] } } } } },
        },
        backends: [{ virtualService: { virtualServiceName: 'svc' } }],
      }),
    ]);
    expect(() => translateProxy(graph, client, () => undefined)).toThrow(
      'spec.backendDefaults.clientPolicy.tls.validation.trust.acm.certificateAuthorityArns[0]: ACM Private CA trust needs the Plexus mesh CA: add a `ca` section listing arn:ca in ca.acmCertificateAuthorityArns',
    );
    expect(() =>
      translateProxy(graph, client, () => undefined, {
        meshCa: { trustDomain: 'plexus.local', acmCertificateAuthorityArns: ['arn:other'] },
      }),
    ).toThrow(
      'certificateAuthorityArns[0]: no CA is configured for arn:ca: add it to ca.acmCertificateAuthorityArns in the daemon config',
    );
    const ok = translateProxy(graph, client, () => undefined, {
      meshCa: { trustDomain: 'plexus.local', acmCertificateAuthorityArns: ['arn:ca'] },
    });
    expect(JSON.stringify(ok.clusters)).toContain(
      '"validation_context_sds_secret_config":{"name":"spiffe://plexus.local"',
    );
  });

  it('throws for an unknown proxy', () => {
    expect(() =>
      translateProxy(buildGraph(base), { kind: 'virtualNode', mesh: 'm', name: 'x' }, () => undefined),
    ).toThrow('unknown proxy mesh/m/virtualNode/x');
  });
});

describe('withoutApiListeners', () => {
  it('keeps the sidecar listeners only', () => {
    const cfg = translateProxy(buildGraph(base), client, () => undefined);
    expect(withoutApiListeners(cfg).listeners.map((l) => l.name)).toEqual(['lds_egress_0.0.0.0_15001']);
    expect(cfg.listeners.length).toBe(3);
  });
});
