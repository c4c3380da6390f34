import { resolve } from 'node:path';
import { ConfigFileError, loadDaemonConfig, optionsFromConfig } from '@plexus/daemon';
import { formatDiagnostic, loadAndValidate, type SourceFile } from '@plexus/spec';
import { checkOwnership, markSources, type OwnershipRules, type SourceIdentity } from '@plexus/teams';
import { readCommandPaths, registerCommandPlugins, usageFailure } from '../command-input.ts';
import { configSources } from '../config-sources.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import { countByKind, summaryLine } from '../load-summary.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { pluginPackages } from '../plugin-keys.ts';
import { userDirectory } from '../read-paths.ts';
import { parseSourceArg, readSourceDirs, type SourceDir } from '../source-args.ts';

const USAGE = `usage: plexus validate [--partial] [--format text|json] [--plugin PKG]... [--parameters FILE] [--values FILE] PATH...
       plexus validate --config FILE [--source NAME=DIR]... [options]

Loads and validates App Mesh specs (native plexus/v1 YAML, App Mesh CLI input JSON, appmesh.k8s.aws/v1beta2
CRDs, CloudFormation templates, CDK cloud assemblies, Terraform configurations and \`terraform show -json\`)
from files and directories (walked recursively, skipping node_modules and .git).

  --partial          references to resources outside the input are warnings, not errors
  --format FORMAT    text (default): one line per finding, file:line:col: Kind mesh/name: field.path: message,
                     then a summary; json: {ok, counts, resources, skipped, diagnostics}
  --config FILE      the daemon config file: its sources are loaded as one mesh (files shown as NAME/...) and
                     its ownership: rules applied; a violation is an error at the resource's file:line naming
                     the rule. Local sources are read from their directory as it is on disk
  --source NAME=DIR  read source NAME from DIR instead (required for a remote source); without --config,
                     DIR is loaded as source NAME beside PATH
  --plugin PKGS      discovery plugin packages (comma-separated) whose serviceDiscovery keys to accept, beside
                     the built-in ones (static, dns, awsCloudMap, ecs, fargate, ec2, eks)
${IMPORT_USAGE}

exit status: 0 valid, 1 invalid, 2 usage`;

export const command: Command = {
  summary: 'load and validate specs; every error with file:line:col and field path',
  usage: USAGE,
  async run(argv) {
    let partial: boolean;
    let format: string;
    let paths: string[];
    let plugins: string[];
    let options: ReadonlyMap<string, string>;
    let configFile: string | undefined;
    let sources: SourceDir[];
    try {
      const args = parseArgs(argv, {
        flags: ['--partial'],
        options: {
          '--format': ['text', 'json'],
          '--plugin': [],
          '--config': [],
          '--source': [],
          ...IMPORT_OPTIONS,
        },
      });
      plugins = pluginPackages(args.repeated.get('--plugin'));
      options = args.options;
      configFile = args.options.get('--config');
      sources = (args.repeated.get('--source') ?? []).map(parseSourceArg);
      if (configFile && args.positionals.length > 0) {
        throw new UsageError(
          "with --config, the specs are the file's sources (or --source NAME=DIR), not PATH",
        );
      }
      if (!configFile && args.positionals.length === 0 && sources.length === 0) {
        throw new UsageError('at least one PATH (or --source NAME=DIR) is required');
      }
      partial = args.flags.has('--partial');
      format = args.options.get('--format') ?? 'text';
      paths = args.positionals;
    } catch (err) {
      return usageFailure('validate', USAGE, err);
    }
    let rules: OwnershipRules | undefined;
    let identities: Map<string, SourceIdentity> | undefined;
    if (configFile) {
      let config: ReturnType<typeof optionsFromConfig>;
      try {
        config = optionsFromConfig(loadDaemonConfig(resolve(userDirectory(), configFile)));
        ({ dirs: sources, identities } = configSources(configFile, config.sources, sources));
      } catch (err) {
        if (err instanceof UsageError) return usageFailure('validate', USAGE, err);
        if (!(err instanceof ConfigFileError)) throw err;
        for (const e of err.errors) console.error(`plexus validate: ${e}`);
        return 1;
      }
      rules = config.ownership;
    }
    const files: SourceFile[] | undefined = paths.length > 0 ? readCommandPaths('validate', paths) : [];
    if (!files) return 1;
    const sourceFiles = readSourceDirs('validate', sources);
    if (!sourceFiles) return 1;
    files.push(...sourceFiles);
    const unregister = await registerCommandPlugins('validate', plugins);
    if (!unregister) return 2;
    const readers = await commandReaders('validate', options);
    if (!readers) {
      unregister();
      return 2;
    }
    const loaded = loadAndValidate(files, { partial, readers });
    unregister();
    if (sources.length > 0) markSources(loaded.resources, new Set(sources.map((s) => s.name)));
    const owned =
      rules && identities
        ? checkOwnership(loaded.resources, (r) => (r.source ? identities.get(r.source) : undefined), rules)
        : [];
    const result =
      owned.length > 0 ? { ...loaded, ok: false, diagnostics: [...loaded.diagnostics, ...owned] } : loaded;
    if (format === 'json') {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const out = {
        ok: result.ok,
        counts: countByKind(result),
        errors,
        warnings: result.diagnostics.length - errors,
        resources: result.resources.map((r) => ({
          kind: r.kind,
          mesh: r.mesh,
          name: r.name,
          ...(r.virtualRouter !== undefined ? { virtualRouter: r.virtualRouter } : {}),
          ...(r.virtualGateway !== undefined ? { virtualGateway: r.virtualGateway } : {}),
          format: r.format,
          file: r.position.file,
          line: r.position.line,
        })),
        skipped: result.skipped,
        diagnostics: result.diagnostics,
      };
      console.log(JSON.stringify(out, null, 2));
    } else {
      const lines = result.diagnostics.map(formatDiagnostic);
      lines.push(`${result.ok ? 'valid' : 'invalid'}: ${summaryLine(result)}`);
      console.log(lines.join('\n'));
    }
    return result.ok ? 0 : 1;
  },
};
