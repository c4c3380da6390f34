import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import { readCommandPaths, registerCommandPlugins, usageFailure } from '../command-input.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import { countByKind, summaryLine } from '../load-summary.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { pluginPackages } from '../plugin-keys.ts';

const USAGE = `usage: plexus validate [--partial] [--format text|json] [--plugin PKG]... [--parameters FILE] [--values FILE] PATH...

Loads and validates App Mesh specs (native plexus/v1 YAML, App Mesh CLI input JSON, appmesh.k8s.aws/v1beta2
CRDs, CloudFormation templates, CDK cloud assemblies, Terraform configurations and \`terraform show -json\`)
from files and directories (walked recursively, skipping node_modules and .git).

  --partial          references to resources outside the input are warnings, not errors
  --format FORMAT    text (default): one line per finding, file:line:col: Kind mesh/name: field.path: message,
                     then a summary; json: {ok, counts, resources, skipped, diagnostics}
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
    try {
      const args = parseArgs(argv, {
        flags: ['--partial'],
        options: { '--format': ['text', 'json'], '--plugin': [], ...IMPORT_OPTIONS },
      });
      plugins = pluginPackages(args.repeated.get('--plugin'));
      options = args.options;
      if (args.positionals.length === 0) throw new UsageError('at least one PATH is required');
      partial = args.flags.has('--partial');
      format = args.options.get('--format') ?? 'text';
      paths = args.positionals;
    } catch (err) {
      return usageFailure('validate', USAGE, err);
    }
    const files = readCommandPaths('validate', paths);
    if (!files) return 1;
    const unregister = await registerCommandPlugins('validate', plugins);
    if (!unregister) return 2;
    const readers = await commandReaders('validate', options);
    if (!readers) {
      unregister();
      return 2;
    }
    const result = loadAndValidate(files, { partial, readers });
    unregister();
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
