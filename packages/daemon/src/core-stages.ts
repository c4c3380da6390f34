/**
 * Binds the daemon's stage interfaces to the real packages. The packages are imported on first use (the CLI's
 * offline commands never load xds or source); their types are checked by tsc through stages.ts.
 */
import type { DaemonOptions } from './options.ts';
import type { CoreStages, CreateXdsServer } from './stages.ts';

export async function loadCoreStages(importOptions: DaemonOptions['import'] = {}): Promise<CoreStages> {
  const [spec, graph, translate, source, iac, xds] = await Promise.all([
    import('@plexus/spec'),
    import('@plexus/graph'),
    import('@plexus/translate'),
    import('@plexus/source'),
    import('@plexus/import'),
    import('@plexus/xds'),
  ]);
  // A ProxyPatch's result must encode with Envoy's protos, or the proxy keeps its last good config.
  const checkResource = (r: Record<string, unknown>): string | undefined => {
    try {
      xds.anyFromJson(r);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  // CloudFormation, CDK and Terraform files in the repo load beside the spec formats.
  const readers = await iac.createImportReaders(importOptions);
  // One loader per daemon: it remembers each file's parse from the previous revision, so a commit that
  // changes one file re-parses one file.
  const loader = spec.createSpecLoader({ readers });
  return {
    createSource: source.createSource,
    createWebhookHandler: source.createWebhookHandler,
    loadAndValidate: (files, options) => loader.loadAndValidate(files, options),
    formatDiagnostic: spec.formatDiagnostic,
    buildGraph: graph.buildGraph,
    proxyIds: graph.proxyIds,
    parseProxyId: graph.parseProxyId,
    proxyKey: graph.proxyKey,
    affectedProxies: graph.affectedProxies,
    proxiesUsingNode: graph.proxiesUsingNode,
    translateProxy: (g, ref, endpoints, options) =>
      translate.translateProxy(g, ref, endpoints, { checkResource, ...options }),
    usesLocality: translate.usesLocality,
  };
}

export async function loadXdsFactory(): Promise<CreateXdsServer> {
  const { XdsServer } = await import('@plexus/xds');
  return (options) => new XdsServer(options);
}
