import { buildGraph, parseProxyId, proxyIds, proxyKey } from '@plexus/graph';
import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import { translateProxy, UnsupportedFeatureError } from '@plexus/translate';
import { stringify } from 'yaml';
import { readCommandPaths, registerCommandPlugins, usageFailure } from '../command-input.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { pluginPackages } from '../plugin-keys.ts';

const USAGE = `usage: plexus config-dump --node ID [--format json|yaml] [--plugin PKG]... [--parameters FILE] [--values FILE] PATH

Prints the Envoy v3 config the proxy ID would get, offline: {"listeners":[],"routes":[],"clusters":[],
"endpoints":[],"secrets":[]}, each resource in proto3 JSON with "@type".

  --node ID          mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or the App Mesh ARN
  --format FORMAT    json (default) or yaml
${IMPORT_USAGE}

Endpoints come from static service discovery in the specs; Cloud Map and plugin discovery need the daemon, so
their clusters show empty endpoints here.

exit status: 0 printed, 1 invalid specs, unknown node or refused feature, 2 usage`;

export const command: Command = {
  summary: 'print the Envoy config a node or gateway would get (offline)',
  usage: USAGE,
  async run(argv) {
    let node: string;
    let format: string;
    let paths: string[];
    let plugins: string[];
    let options: ReadonlyMap<string, string>;
    try {
      const args = parseArgs(argv, {
        options: { '--node': [], '--format': ['json', 'yaml'], '--plugin': [], ...IMPORT_OPTIONS },
      });
      plugins = pluginPackages(args.repeated.get('--plugin'));
      options = args.options;
      const n = args.options.get('--node');
      if (!n) throw new UsageError('--node ID is required');
      if (args.positionals.length !== 1) throw new UsageError('exactly one PATH is required');
      node = n;
      format = args.options.get('--format') ?? 'json';
      paths = args.positionals;
    } catch (err) {
      return usageFailure('config-dump', USAGE, err);
    }
    const ref = parseProxyId(node);
    if (!ref) {
      console.error(
        `plexus config-dump: --node '${node}' is not mesh/<mesh>/virtualNode/<name>, mesh/<mesh>/virtualGateway/<name> or an App Mesh ARN`,
      );
      return 2;
    }
    const files = readCommandPaths('config-dump', paths);
    if (!files) return 1;
    const unregister = await registerCommandPlugins('config-dump', plugins);
    if (!unregister) return 2;
    const readers = await commandReaders('config-dump', options);
    if (!readers) {
      unregister();
      return 2;
    }
    const loaded = loadAndValidate(files, { readers });
    unregister();
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) if (d.severity === 'error') console.error(formatDiagnostic(d));
      return 1;
    }
    const graph = buildGraph(loaded.resources);
    if (!graph.proxies.has(proxyKey(ref))) {
      const known = proxyIds(graph);
      console.error(
        `plexus config-dump: no ${ref.kind} '${ref.name}' in mesh '${ref.mesh}'` +
          (known.length ? ` (known: ${known.join(', ')})` : ''),
      );
      return 1;
    }
    try {
      // translateProxy's EnvoyConfig is exactly the documented shape, keys in order.
      const { anyFromJson } = await import('@plexus/xds');
      // ProxyPatch results are checked against Envoy's protos, as the daemon does before it pushes.
      const checkResource = (r: Record<string, unknown>) => {
        try {
          anyFromJson(r);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      };
      const out = translateProxy(graph, ref, () => undefined, { checkResource });
      console.log(format === 'yaml' ? stringify(out).trimEnd() : JSON.stringify(out, null, 2));
      return 0;
    } catch (err) {
      if (!(err instanceof UnsupportedFeatureError)) throw err;
      console.error(err.message);
      return 1;
    }
  },
};
