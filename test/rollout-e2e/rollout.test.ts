/**
 * Canaries from Git with real Envoys: the colorapp mesh (gateway → front → colortellers, each behind its own
 * Envoy) under steady traffic, a Rollout committed to the repo, and the daemon's controller moving the weights
 * by commits. A healthy canary reaches 100 %; a canary answering 500s is rolled back by a commit within one
 * step's hold, and all traffic returns to stable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolloutStatus } from '@plexus/rollout';
import { git, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../packages/cli/src/commands/status.ts';
import { commitCanary } from '../../scripts/demo/canary.ts';
import { type ColorappRun, freePorts, startColorapp } from '../../scripts/demo/colorapp.ts';
import { tally, tallySettlesOn } from '../../scripts/demo/local-mesh.ts';
import { launchBrowser } from '../console-e2e/browser.ts';

let workDir: string;
let run: ColorappRun;
let load: { stop: boolean; done?: Promise<void> };

const rollout = (name: string): RolloutStatus | undefined =>
  run.daemon.status.document().rollouts?.find((r) => r.name === name);

/** Commits on the branch since `since`, oldest first: subject, author. */
function commitsSince(since: string): Array<{ subject: string; author: string }> {
  const out = git(run.repo, ['log', '--reverse', '--format=%s%x00%an', `${since}..HEAD`]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ subject: l.split('\0')[0]!, author: l.split('\0')[1]! }));
}

async function until(name: string, phase: RolloutStatus['phase'], timeoutMs: number): Promise<RolloutStatus> {
  await waitFor(() => rollout(name)?.phase === phase, {
    timeoutMs,
    intervalMs: 50,
    what: `rollout ${name} ${phase} (now: ${JSON.stringify(rollout(name)?.message)})`,
  });
  return rollout(name)!;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'plexus-rollout-e2e-'));
  run = await startColorapp({
    workDir,
    ports: await freePorts(),
    logger: pino({ level: 'warn' }),
    liveIntervalMs: 250,
  });
  // steady traffic through the gateway, as production would send: the gates judge the canary edge on it
  load = { stop: false };
  load.done = (async () => {
    while (!load.stop) await tally(run.ports.gateway, 8, 4);
  })();
}, 120_000);

afterAll(async () => {
  if (load) load.stop = true;
  await load?.done;
  await run?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('Rollout with real Envoys', () => {
  it('a healthy canary reaches 100 % by itself, each step a commit by the controller', async () => {
    const base = git(run.repo, ['rev-parse', 'HEAD']);
    commitCanary(run.repo, run.routeFile, {
      stable: 'red',
      canary: 'blue',
      steps: [
        [20, '3s'],
        [50, '3s'],
      ],
    });
    const done = await until('colorteller-blue', 'promoted', 40_000);
    expect(done.canaryWeight).toBe(100);
    expect(commitsSince(base).slice(1)).toEqual([
      {
        subject: 'Rollout colorapp/colorteller-blue: step 1 of 2, canary colorteller-blue at 20%',
        author: 'Plexus rollout',
      },
      {
        subject: 'Rollout colorapp/colorteller-blue: step 2 of 2, canary colorteller-blue at 50%',
        author: 'Plexus rollout',
      },
      {
        subject: 'Rollout colorapp/colorteller-blue: promoted, canary colorteller-blue at 100%',
        author: 'Plexus rollout',
      },
    ]);
    // each step held at least its duration, judged on real canary traffic
    const at = done.commits.map((c) => Date.parse(c.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(3000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(3000);
    expect(done.gate?.canary.requests).toBeGreaterThanOrEqual(10);
    expect(done.gate?.canary.errors).toBe(0);
    await tallySettlesOn(run.ports.gateway, ['blue'], { n: 30 });
  }, 60_000);

  it('a canary returning errors is rolled back by a commit within one step, and all traffic returns to stable', async () => {
    run.faults.green.fails = () => true;
    const base = git(run.repo, ['rev-parse', 'HEAD']);
    commitCanary(run.repo, run.routeFile, {
      stable: 'blue',
      canary: 'green',
      steps: [
        [20, '5s'],
        [50, '5s'],
      ],
    });
    const back = await until('colorteller-green', 'rolled-back', 30_000);
    expect(back.canaryWeight).toBe(0);
    expect(back.message).toMatch(
      /^rolled back at step 1: canary error rate 100% > maxErrorRate 10% \(\d+ of \d+ canary requests/,
    );
    const subjects = commitsSince(base)
      .slice(1)
      .map((c) => c.subject);
    expect(subjects).toEqual([
      'Rollout colorapp/colorteller-green: step 1 of 2, canary colorteller-green at 20%',
      'Rollout colorapp/colorteller-green: rolled back at step 1, all traffic to colorteller-blue',
    ]);
    const [step1, rollback] = back.commits.map((c) => Date.parse(c.at));
    console.log(
      `  canary rolled back ${rollback! - step1!} ms after its first step was applied (hold 5000 ms)`,
    );
    expect(rollback! - step1!).toBeLessThan(5000);
    const settled = Date.now();
    await tallySettlesOn(run.ports.gateway, ['blue'], { n: 30 });
    expect(Date.now() - settled).toBeLessThan(5000);
    // it stays rolled back: no further commits while the Rollout is unchanged
    await new Promise((r) => setTimeout(r, 1500));
    expect(commitsSince(base)).toHaveLength(3);
    const table = formatStatus(run.daemon.status.document());
    expect(table).toMatch(
      /colorapp\/colorteller-green\s+colorteller\/colors\s+rolled-back\s+1\/2\s+colorteller-green 0%/,
    );
    run.faults.green.fails = undefined;
  }, 60_000);

  it('the console shows the rollout: phase, weights, the canary edge and its commits', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${run.daemon.httpPort}/ui/#rollouts`);
      const green = page.locator('#rollouts tr[data-rollout="colorapp/colorteller-green"]');
      await green.waitFor({ timeout: 10_000 });
      expect(await green.getAttribute('data-phase')).toBe('rolled-back');
      expect(await green.locator('td').allTextContents()).toEqual([
        'colorteller/colors',
        'rolled-back',
        '1/2',
        'colorteller-green 0%',
        expect.stringMatching(/^100\.0% of \d+$/),
        expect.any(String),
        expect.any(String),
        expect.stringMatching(/^[0-9a-f]{8} step 1, [0-9a-f]{8} rolled-back$/),
      ]);
      await expect
        .poll(() => page.locator('#rollout-messages').textContent())
        .toMatch(/colorapp\/colorteller-green: rolled back at step 1: canary error rate 100%/);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
