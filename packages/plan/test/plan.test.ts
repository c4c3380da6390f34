import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { affectedProxies, buildGraph } from '@plexus/graph';
import { readSpecFilesAtCommit } from '@plexus/source';
import { loadAndValidate, loadFiles } from '@plexus/spec';
import { commitAll, git, initRepo, repoRoot } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planChange, renderPlan } from '../src/index.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const golden = join(import.meta.dirname, 'golden');
let dir: string;
let base: string;
let weights: string;
let broken: string;

const cli = (args: string[]) =>
  spawnSync('node', [join(repoRoot, 'packages/cli/bin/plexus.js'), 'plan', ...args], {
    encoding: 'utf8',
    cwd: dir,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-plan-'));
  initRepo(dir);
  cpSync(join(repoRoot, 'examples/colorapp/mesh'), join(dir, 'mesh'), { recursive: true });
  base = commitAll(dir, 'colorapp');
  const f = join(dir, 'mesh/colorteller.yaml');
  writeFileSync(f, readFileSync(f, 'utf8').replace('weight: 1\n', 'weight: 5\n'));
  weights = commitAll(dir, 'red 5');
  writeFileSync(f, readFileSync(f, 'utf8').replace('weight: 5\n', 'weight: 1000\n'));
  broken = commitAll(dir, 'broken');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function at(rev: string) {
  return readSpecFilesAtCommit(join(dir, '.git'), rev, '');
}

describe('plexus plan', () => {
  it('names exactly the proxies affectedProxies names', async () => {
    const before = loadFiles(await at(base)).resources;
    const after = loadAndValidate(await at(weights));
    const plan = planChange(before, after);
    const expected = [...affectedProxies(buildGraph(before), buildGraph(after.resources))].sort();
    expect(plan.proxies.map((p) => p.proxy)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect(plan.unaffected).toBe(buildGraph(after.resources).proxies.size - expected.length);
  });

  it('matches the golden text, markdown and JSON', async () => {
    const plan = planChange(loadFiles(await at(base)).resources, loadAndValidate(await at(weights)));
    for (const [format, file] of [
      ['text', 'weights.txt'],
      ['markdown', 'weights.md'],
      ['json', 'weights.json'],
    ] as const) {
      const out = renderPlan(plan, format, 'base', 'weights');
      if (UPDATE || !existsSync(join(golden, file))) {
        execFileSync('mkdir', ['-p', golden]);
        writeFileSync(join(golden, file), out);
      }
      expect(out, file).toBe(readFileSync(join(golden, file), 'utf8'));
    }
  });

  it('the CLI: exit 2 for changes, 0 for none, 1 for an invalid target with file:line', () => {
    const changed = cli(['--from', base, '--to', 'HEAD~1']);
    expect(changed.status).toBe(2);
    expect(changed.stdout).toContain('mesh/colorapp/virtualNode/front (changed)');
    expect(cli(['--from', 'HEAD~1', '--to', weights]).status).toBe(0);
    const invalid = cli(['--from', weights, '--to', broken, '--format', 'markdown']);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toMatch(/mesh\/colorteller\.yaml:\d+:\d+: Route colorapp\/colors: .*weight/);
    expect(git(dir, ['status', '--porcelain'])).toBe('');
  });
});
