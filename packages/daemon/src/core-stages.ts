/**
 * Binds the daemon's stage interfaces to the real packages. Imported lazily and checked export by export, so a
 * missing stage fails with a message that names it rather than a TypeError deep in a runner.
 */
import type { DaemonOptions } from './options.ts';
import type { CoreStages, CreateXdsServer } from './stages.ts';

type Module = Record<string, unknown>;

function need<F>(mod: Module, pkg: string, name: string): F {
  const f = mod[name];
  if (typeof f !== 'function') throw new Error(`${pkg} does not export ${name}()`);
  return f as F;
}

export async function loadCoreStages(importOptions: DaemonOptions['import'] = {}): Promise<CoreStages> {
  const [spec, graph, translate, source, iac] = (await Promise.all([
    import('@plexus/spec'),
    import('@plexus/graph'),
    import('@plexus/translate'),
    import('@plexus/source'),
    import('@plexus/import'),
  ])) as unknown as Module[];
  // CloudFormation, CDK and Terraform files in the repo load beside the spec formats.
  const createReaders = need<(o: DaemonOptions['import']) => Promise<unknown[]>>(
    iac,
    '@plexus/import',
    'createImportReaders',
  );
  const readers = await createReaders(importOptions);
  const webhook = source.createWebhookHandler;
  return {
    createSource: need(source, '@plexus/source', 'createSource'),
    createWebhookHandler:
      typeof webhook === 'function' ? (webhook as CoreStages['createWebhookHandler']) : undefined,
    loadAndValidate: specLoader(spec, readers),
    formatDiagnostic: need(spec, '@plexus/spec', 'formatDiagnostic'),
    buildGraph: need(graph, '@plexus/graph', 'buildGraph'),
    proxyIds: need(graph, '@plexus/graph', 'proxyIds'),
    parseProxyId: need(graph, '@plexus/graph', 'parseProxyId'),
    proxyKey: need(graph, '@plexus/graph', 'proxyKey'),
    affectedProxies: need(graph, '@plexus/graph', 'affectedProxies'),
    proxiesUsingNode: need(graph, '@plexus/graph', 'proxiesUsingNode'),
    translateProxy: need(translate, '@plexus/translate', 'translateProxy'),
  };
}

/**
 * One loader per daemon: it remembers each file's parse from the previous revision, so a commit that
 * changes one file re-parses one file.
 */
function specLoader(spec: Module, readers: unknown[]): CoreStages['loadAndValidate'] {
  const create = need<(o: { readers: unknown[] }) => { loadAndValidate: CoreStages['loadAndValidate'] }>(
    spec,
    '@plexus/spec',
    'createSpecLoader',
  );
  const loader = create({ readers });
  return (files, options) => loader.loadAndValidate(files, options);
}

export async function loadXdsFactory(): Promise<CreateXdsServer> {
  const xds = (await import('@plexus/xds')) as unknown as Module;
  const XdsServer = xds.XdsServer;
  if (typeof XdsServer !== 'function') throw new Error('@plexus/xds does not export XdsServer');
  const Ctor = XdsServer as new (options: Parameters<CreateXdsServer>[0]) => ReturnType<CreateXdsServer>;
  return (options) => new Ctor(options);
}
