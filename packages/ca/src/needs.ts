import { graphKey, type MeshGraph, type ProxyRef } from '@plexus/graph';
import { meshCertificateSecretName, meshTrustBundleSecretName } from '@plexus/translate';

/** What one proxy's translated config asks the mesh CA for. */
export interface CertificateNeeds {
  /** The proxy's own certificate (its SPIFFE ID secret). */
  certificate: boolean;
  /** The mesh trust bundle. */
  bundle: boolean;
  /** DNS SANs: the virtual services the proxy provides. */
  dnsNames: string[];
}

/** Names of SDS secrets a config fetches over ADS (not from a local SDS agent). */
export function adsSecretNames(config: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(config)) {
    for (const v of config) adsSecretNames(v, out);
  } else if (config && typeof config === 'object') {
    const o = config as Record<string, unknown>;
    const sds = o.sds_config as Record<string, unknown> | undefined;
    if (typeof o.name === 'string' && sds && typeof sds === 'object' && 'ads' in sds) out.add(o.name);
    for (const v of Object.values(o)) if (v && typeof v === 'object') adsSecretNames(v, out);
  }
  return out;
}

/** The virtual services a virtual node provides, directly or as a target of a router's routes. */
export function providedServiceNames(graph: MeshGraph, proxy: ProxyRef): string[] {
  if (proxy.kind !== 'virtualNode') return [];
  const out = new Set<string>();
  for (const s of graph.services.values()) {
    if (s.mesh !== proxy.mesh || !s.provider) continue;
    if (s.provider.kind === 'virtualNode') {
      if (s.provider.name === proxy.name) out.add(s.name);
      continue;
    }
    const router = graph.routers.get(graphKey(proxy.mesh, s.provider.name));
    const targets = (router?.routes ?? []).flatMap((r) => {
      const spec = r.spec;
      const route = spec?.httpRoute ?? spec?.http2Route ?? spec?.grpcRoute ?? spec?.tcpRoute;
      return route?.action.weightedTargets ?? [];
    });
    if (targets.some((t) => t.virtualNode === proxy.name)) out.add(s.name);
  }
  return [...out].sort();
}

export function certificateNeeds(
  trustDomain: string,
  proxy: ProxyRef,
  config: unknown,
  graph?: MeshGraph,
): CertificateNeeds | undefined {
  const names = adsSecretNames(config);
  const certificate = names.has(meshCertificateSecretName(trustDomain, proxy));
  const bundle = names.has(meshTrustBundleSecretName(trustDomain));
  if (!certificate && !bundle) return undefined;
  return { certificate, bundle, dnsNames: graph && certificate ? providedServiceNames(graph, proxy) : [] };
}
