import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import { markSources } from '@plexus/teams';
import { readCommandPaths, registerCommandPlugins, usageFailure } from '../command-input.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { pluginPackages } from '../plugin-keys.ts';
import { buildResourceGraph, graphToDot, graphToJson, graphToMermaid } from '../resource-graph.ts';
import { parseSourceArg, readSourceDirs, type SourceDir } from '../source-args.ts';

const USAGE = `usage: plexus graph [--format json|dot|mermaid] [--plugin PKG]... [--parameters FILE] [--values FILE]
                    [--source NAME=DIR]... [PATH...]

Prints the resources found under PATH and the references between them.
  json (default): {"nodes":[{"kind","mesh","name","file","line"}],"edges":[{"from","to","type"}]}
                  ids are Kind/mesh/name (Route and GatewayRoute: Kind/mesh/parent/name);
                  edge types: backend, provider, route, target
  dot:            Graphviz digraph
  mermaid:        Mermaid flowchart
--source NAME=DIR loads DIR as the source NAME of a multi-source daemon (files shown as NAME/...); every
node then says which source defines it ("source" in json, the label in dot and mermaid).

${IMPORT_USAGE}

The graph is printed for whatever loaded; errors go to stderr.
exit status: 0 valid, 1 invalid (as plexus validate), 2 usage`;

const RENDER = { json: graphToJson, dot: graphToDot, mermaid: graphToMermaid } as const;

export const command: Command = {
  summary: 'print the resources and their references (json, dot or mermaid)',
  usage: USAGE,
  async run(argv) {
    let format: keyof typeof RENDER;
    let paths: string[];
    let plugins: string[];
    let options: ReadonlyMap<string, string>;
    let sources: SourceDir[] = [];
    try {
      const args = parseArgs(argv, {
        options: {
          '--format': ['json', 'dot', 'mermaid'],
          '--plugin': [],
          '--source': [],
          ...IMPORT_OPTIONS,
        },
      });
      sources = (args.repeated.get('--source') ?? []).map(parseSourceArg);
      plugins = pluginPackages(args.repeated.get('--plugin'));
      options = args.options;
      if (args.positionals.length === 0 && sources.length === 0) {
        throw new UsageError('PATH (or --source NAME=DIR) is required');
      }
      format = (args.options.get('--format') ?? 'json') as keyof typeof RENDER;
      paths = args.positionals;
    } catch (err) {
      return usageFailure('graph', USAGE, err);
    }
    const files = paths.length > 0 ? readCommandPaths('graph', paths) : [];
    if (!files) return 1;
    const sourceFiles = readSourceDirs('graph', sources);
    if (!sourceFiles) return 1;
    files.push(...sourceFiles);
    const unregister = await registerCommandPlugins('graph', plugins);
    if (!unregister) return 2;
    const readers = await commandReaders('graph', options);
    if (!readers) {
      unregister();
      return 2;
    }
    const result = loadAndValidate(files, { readers });
    unregister();
    if (sources.length > 0) markSources(result.resources, new Set(sources.map((s) => s.name)));
    for (const d of result.diagnostics) {
      if (d.severity === 'error') console.error(formatDiagnostic(d));
    }
    console.log(RENDER[format](buildResourceGraph(result.resources)));
    return result.ok ? 0 : 1;
  },
};
