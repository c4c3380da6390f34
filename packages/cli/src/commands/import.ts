import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type OutputFormat, writeResources } from '@plexus/import';
import {
  formatDiagnostic,
  type LoadAndValidateResult,
  loadAndValidate,
  type SpecResource,
  validateLoaded,
} from '@plexus/spec';
import { readCommandPaths, usageFailure } from '../command-input.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';
import { userDirectory } from '../read-paths.ts';

const SOURCES = ['cloudformation', 'terraform', 'cdk', 'appmesh'] as const;
type From = (typeof SOURCES)[number];

const USAGE = `usage: plexus import --from cloudformation|terraform|cdk PATH --out DIR [--format native|crd|cli-json]
                     [--parameters FILE] [--values FILE] [--force]
       plexus import --from appmesh --region R [--mesh M] [--endpoint URL] [--partial] --out DIR [--format ...]
                     [--force]

Writes the App Mesh resources of CloudFormation templates, CDK cloud assemblies (cdk.out), Terraform
configurations or \`terraform show -json\` output, or of a live App Mesh account, as spec files: one file per
resource under DIR/<mesh>/, so the tree can be committed and the IaC retired. Nothing is written unless the
resources load and validate (references to resources outside the input are warnings, as validate --partial).

  --format FORMAT    native (default): plexus/v1 YAML; crd: appmesh.k8s.aws/v1beta2 (routes inside their
                     VirtualRouter, one namespace per mesh); cli-json: aws appmesh create-* --cli-input-json
                     Each file names its origin (file:line, stack or resource address): a comment in YAML, the
                     tag "plexus:imported-from" in CLI JSON
${IMPORT_USAGE}
  --region R         --from appmesh: the account's region; --mesh M: only that mesh;
  --endpoint URL     --from appmesh: an App Mesh API endpoint other than AWS's
  --partial          --from appmesh: write what could be read even when some API calls failed (each is
                     printed); without it a failed call writes nothing
  --force            overwrite files that exist in DIR

exit status: 0 written, 1 invalid input or a refused resource, 2 usage`;

export const command: Command = {
  summary: 'write CloudFormation, Terraform, CDK or live App Mesh resources as spec files',
  usage: USAGE,
  async run(argv) {
    let from: From;
    let out: string;
    let format: OutputFormat;
    let args: ReturnType<typeof parseArgs>;
    try {
      args = parseArgs(argv, {
        flags: ['--force', '--partial'],
        options: {
          '--from': SOURCES,
          '--out': [],
          '--format': ['native', 'crd', 'cli-json'],
          '--region': [],
          '--mesh': [],
          '--endpoint': [],
          ...IMPORT_OPTIONS,
        },
      });
      const f = args.options.get('--from') as From | undefined;
      if (!f) throw new UsageError('--from is required');
      const o = args.options.get('--out');
      if (!o) throw new UsageError('--out DIR is required');
      if (f === 'appmesh') {
        if (!args.options.get('--region')) throw new UsageError('--from appmesh needs --region');
        if (args.positionals.length > 0) throw new UsageError('--from appmesh reads the account, not a PATH');
      } else if (args.positionals.length === 0) throw new UsageError('PATH is required');
      from = f;
      out = o;
      format = (args.options.get('--format') ?? 'native') as OutputFormat;
    } catch (err) {
      return usageFailure('import', USAGE, err);
    }
    let resources: SpecResource[];
    if (from === 'appmesh') {
      const { readLiveAppMesh } = await import('@plexus/import/live');
      const live = await readLiveAppMesh({
        region: args.options.get('--region')!,
        mesh: args.options.get('--mesh'),
        endpoint: args.options.get('--endpoint'),
      });
      for (const p of live.problems) console.error(`plexus import: ${p}`);
      if (live.resources.length === 0) {
        console.error('plexus import: no App Mesh resources were read');
        return 1;
      }
      if (live.problems.length > 0 && !args.flags.has('--partial')) {
        console.error(
          'plexus import: some resources could not be read; nothing written (--partial writes the rest)',
        );
        return 1;
      }
      const checked = validateLoaded(
        { resources: live.resources, diagnostics: [], skipped: [] },
        { partial: true },
      );
      if (!report(checked)) return 1;
      resources = live.resources;
    } else {
      const files = readCommandPaths('import', args.positionals);
      if (!files) return 2;
      const readers = await commandReaders('import', args.options);
      if (!readers) return 2;
      const loaded = loadAndValidate(files, { partial: true, readers });
      if (!report(loaded)) return 1;
      resources = loaded.resources.filter((r) => fromSource(r, from));
      if (resources.length === 0) {
        console.error(`plexus import: no ${from} App Mesh resources under ${args.positionals.join(', ')}`);
        return 1;
      }
    }
    const written = writeResources(resources, format);
    for (const p of written.problems) {
      console.error(`plexus import: ${p.resource.kind} ${p.resource.mesh}/${p.resource.name}: ${p.message}`);
    }
    if (written.problems.length > 0) return 1;
    const root = resolve(userDirectory(), out);
    const clash = written.files.filter((f) => existsSync(join(root, f.path)));
    if (clash.length > 0 && !args.flags.has('--force')) {
      console.error(
        `plexus import: ${clash.length} file(s) exist in ${out} (${clash[0].path}, ...): use --force to overwrite`,
      );
      return 1;
    }
    for (const f of written.files) {
      const target = join(root, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
    console.log(`wrote ${written.files.length} files (${resources.length} resources, ${format}) to ${out}`);
    return 0;
  },
};

function fromSource(r: SpecResource, from: From): boolean {
  if (from === 'terraform') return r.format === 'terraform' || r.format === 'terraform-json';
  if (from === 'cdk') return r.format === 'cloudformation' && (r.origin?.startsWith('CDK stack') ?? false);
  return r.format === 'cloudformation' && !(r.origin?.startsWith('CDK stack') ?? false);
}

/** Prints the findings; true when there is no error. */
function report(result: LoadAndValidateResult): boolean {
  for (const d of result.diagnostics) console.error(formatDiagnostic(d));
  return result.ok;
}
