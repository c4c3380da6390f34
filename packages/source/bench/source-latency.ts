/**
 * How long a change takes to become a revision, per source kind. Prints min/median/max over N rounds.
 *   npx tsx packages/source/bench/source-latency.ts [rounds]
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSource, type Revision, type Source } from '../src/index.ts';
import { git, removeDir, tempDir, WorkTree, writeFiles } from '../test/helpers/git-cli.ts';
import { startGitHttpServer } from '../test/helpers/git-http-server.ts';

const rounds = Number(process.argv[2] ?? 15);

function summary(name: string, ms: number[]): void {
  const s = [...ms].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `${name.padEnd(44)} min ${f(s[0])} ms  median ${f(s[Math.floor(s.length / 2)])} ms  max ${f(s.at(-1) ?? 0)} ms`,
  );
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
}

async function started(source: Source): Promise<Revision[]> {
  const revs: Revision[] = [];
  await source.start(
    (r) => revs.push(r),
    (e) => console.error(e.message),
  );
  return revs;
}

async function local(): Promise<void> {
  const repo = WorkTree.create('bench-local');
  repo.commit({ 'mesh.yaml': 'kind: Mesh\n' });
  const source = createSource({ repo: repo.dir, pollIntervalMs: 600_000 });
  const revs = await started(source);
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const sha = repo.commit({ 'mesh.yaml': `kind: Mesh\nround: ${i}\n` });
    const t0 = performance.now(); // after the commit exists: what the watcher adds
    await until(() => revs.at(-1)?.id === sha);
    ms.push(performance.now() - t0);
  }
  summary('local work tree: commit → revision', ms);
  await source.stop();
  removeDir(repo.dir);
}

async function directory(): Promise<void> {
  const dir = tempDir('bench-dir');
  writeFiles(dir, { 'mesh.yaml': 'kind: Mesh\n' });
  const source = createSource({ repo: dir, settleMs: 300 });
  const revs = await started(source);
  await until(() => revs.length === 1);
  const ms: number[] = [];
  for (let i = 0; i < Math.min(rounds, 8); i++) {
    const t0 = performance.now();
    await writeFile(join(dir, 'mesh.yaml'), `kind: Mesh\nround: ${i}\n`);
    await until(() => revs.at(-1)?.files[0]?.content.includes(`round: ${i}\n`) === true);
    ms.push(performance.now() - t0);
  }
  summary('plain directory (settleMs 300): write → revision', ms);
  await source.stop();
  removeDir(dir);
}

async function remote(): Promise<void> {
  const root = tempDir('bench-http');
  const work = WorkTree.create('bench-upstream');
  for (let i = 0; i < 50; i++)
    writeFiles(work.dir, { [`specs/vn-${i}.yaml`]: `kind: VirtualNode\nn: ${i}\n` });
  work.commit({ 'specs/mesh.yaml': 'kind: Mesh\n' });
  const bare = join(root, 'specs.git');
  git(root, 'clone', '-q', '--bare', work.dir, bare);
  const server = await startGitHttpServer(root, 'bench-token');
  process.env.PLEXUS_BENCH_TOKEN = 'bench-token';
  const cacheDir = tempDir('bench-cache');
  const source = createSource({
    repo: server.url('specs.git'),
    branch: 'main',
    path: 'specs',
    auth: { tokenEnv: 'PLEXUS_BENCH_TOKEN' },
    cacheDir,
    pollIntervalMs: 600_000,
  });
  const revs = await started(source);
  const idle: number[] = [];
  const changed: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await source.refresh?.();
    idle.push(performance.now() - t0);
    const sha = work.commit({ [`specs/vn-${i}.yaml`]: `kind: VirtualNode\nn: ${i}\nround: ${i}\n` });
    work.git('push', '-q', bare, 'HEAD:refs/heads/main');
    t0 = performance.now();
    await source.refresh?.();
    changed.push(performance.now() - t0);
    if (revs.at(-1)?.id !== sha) throw new Error('refresh did not deliver the push');
  }
  summary('remote HTTP: check with no change (ls-remote)', idle);
  summary('remote HTTP: check after a push (51 files)', changed);
  console.log(
    `remote HTTP: ${server.fetches} fetches, ${server.listings} ref listings for ${2 * rounds + 1} checks`,
  );
  await source.stop();
  await server.stop();
  for (const d of [root, work.dir, cacheDir]) removeDir(d);
}

await local();
await directory();
await remote();
