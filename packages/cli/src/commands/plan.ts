import { type PlanFormat, planChange, planExitCode, renderPlan } from '@plexus/plan';
import { locateLocalRepo, readSpecFilesAtCommit, resolveRevision } from '@plexus/source';
import { loadAndValidate, loadFiles, type SourceFile } from '@plexus/spec';
import { readCommandPaths, usageFailure } from '../command-input.ts';
import { commandReaders, IMPORT_OPTIONS, IMPORT_USAGE } from '../import-readers.ts';
import type { Command } from '../main.ts';
import { parseArgs, UsageError } from '../parse-args.ts';

const USAGE = `usage: plexus plan --from REV --to REV [--repo PATH] [--path SUBDIR] [--format text|markdown|json]
       plexus plan [--format ...] DIR_BEFORE DIR_AFTER

Per proxy, the Envoy resources a change adds, removes and changes (offline), with a diff; proxies not affected
are counted; validation errors of the target are shown with file:line. --format markdown is made to be
posted as a pull-request comment. REV: a branch, tag, HEAD or SHA, with ~N / ^ suffixes.
${IMPORT_USAGE}

exit status: 0 no change, 2 changes, 1 the target is invalid (or a revision cannot be read)`;

async function filesAt(repo: string, rev: string, subdir: string): Promise<SourceFile[]> {
  const local = locateLocalRepo(repo);
  if (local.kind === 'directory') throw new Error(`${repo} is not a git repository`);
  return readSpecFilesAtCommit(local.gitdir, await resolveRevision(local.gitdir, rev), subdir);
}

export const command: Command = {
  summary: 'what a change does to each proxy’s Envoy config (for pull requests)',
  usage: USAGE,
  async run(argv) {
    let args: ReturnType<typeof parseArgs>;
    try {
      args = parseArgs(argv, {
        options: {
          '--from': [],
          '--to': [],
          '--repo': [],
          '--path': [],
          '--format': ['text', 'markdown', 'json'],
          ...IMPORT_OPTIONS,
        },
      });
      const revs = args.options.has('--from') || args.options.has('--to');
      if (revs && (!args.options.has('--from') || !args.options.has('--to') || args.positionals.length > 0)) {
        throw new UsageError('give --from REV and --to REV, or two directories');
      }
      if (!revs && args.positionals.length !== 2)
        throw new UsageError('give --from REV --to REV, or two directories');
    } catch (err) {
      return usageFailure('plan', USAGE, err);
    }
    const format = (args.options.get('--format') ?? 'text') as PlanFormat;
    let before: SourceFile[] | undefined;
    let after: SourceFile[] | undefined;
    let from: string;
    let to: string;
    if (args.options.has('--from')) {
      from = args.options.get('--from')!;
      to = args.options.get('--to')!;
      const repo = args.options.get('--repo') ?? '.';
      const subdir = (args.options.get('--path') ?? '').replace(/^\/+|\/+$/g, '');
      try {
        before = await filesAt(repo, from, subdir);
        after = await filesAt(repo, to, subdir);
      } catch (err) {
        console.error(`plexus plan: ${(err as Error).message}`);
        return 1;
      }
    } else {
      [from, to] = args.positionals as [string, string];
      before = readCommandPaths('plan', [from]);
      after = readCommandPaths('plan', [to]);
      if (!before || !after) return 1;
    }
    const readers = await commandReaders('plan', args.options);
    if (!readers) return 2;
    const plan = planChange(loadFiles(before, { readers }).resources, loadAndValidate(after, { readers }));
    process.stdout.write(renderPlan(plan, format, from, to));
    return planExitCode(plan);
  },
};
