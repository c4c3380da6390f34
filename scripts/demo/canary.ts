/**
 * A canary on the colorapp demo: the route "colors" goes to one stable colorteller, and a Rollout moves traffic
 * to a canary colorteller step by step, judged on the mesh telemetry. Used by `npm start` and test/rollout-e2e.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RolloutStatus } from '@plexus/rollout';
import { type Color, commitAll, setWeights } from './local-mesh.ts';

export interface CanaryPlan {
  stable: Color;
  canary: Color;
  /** [canary weight %, hold] per step, e.g. [[20, '4s'], [50, '4s']]. */
  steps: Array<[number, string]>;
  maxErrorRate?: number;
  minRequests?: number;
  window?: string;
  interval?: string;
}

export function rolloutYaml(p: CanaryPlan): string {
  const steps = p.steps.map(([w, d]) => `    - { weight: ${w}, duration: ${d} }`).join('\n');
  return `# A canary of colorteller-${p.canary}: the controller commits each step, and a rollback when a gate fails.
apiVersion: plexus/v1
kind: Rollout
metadata:
  name: colorteller-${p.canary}
  mesh: colorapp
spec:
  targetRef: { kind: Route, name: colors, virtualRouter: colorteller }
  stable: { virtualNode: colorteller-${p.stable} }
  canary: { virtualNode: colorteller-${p.canary} }
  steps:
${steps}
  gates:
    maxErrorRate: ${p.maxErrorRate ?? 0.1}
    minRequests: ${p.minRequests ?? 10}
    window: ${p.window ?? '5s'}
  interval: ${p.interval ?? '500ms'}
`;
}

/** Commits "all traffic to stable" and the Rollout in one commit (the Rollout owns the route's weights from now). */
export function commitCanary(repo: string, routeFile: string, p: CanaryPlan): void {
  const weights = { red: 0, blue: 0, green: 0 };
  weights[p.stable] = 1;
  setWeights(routeFile, weights);
  writeFileSync(join(repo, 'mesh/rollout.yaml'), rolloutYaml(p));
  commitAll(repo, `canary: colorteller-${p.canary} against colorteller-${p.stable}`);
}

/** What the demo's canary act needs from the running mesh. */
export interface CanaryStage {
  repo: string;
  routeFile: string;
  faults: Record<Color, { fails?: (hit: number) => boolean }>;
  rollouts(): RolloutStatus[];
}

/**
 * The demo's canary act: colorteller-blue ships a bug (every third reply a 500) and its Rollout rolls itself
 * back; then blue is fixed, the Rollout is retried (a changed Rollout starts over) and reaches 100 %. Prints
 * each change of a rollout's phase or step as it happens.
 */
export async function canaryAct(
  stage: CanaryStage,
  print: (line: string) => void,
  stopped: () => boolean,
): Promise<void> {
  const plan: CanaryPlan = {
    stable: 'red',
    canary: 'blue',
    steps: [
      [20, '8s'],
      [50, '8s'],
    ],
  };
  let last = '';
  const watch = async (until: RolloutStatus['phase']) => {
    for (;;) {
      if (stopped()) return;
      const r = stage.rollouts().find((x) => x.name === `colorteller-${plan.canary}`);
      const line = r ? `${r.phase} ${r.step}/${r.steps} ${r.canaryWeight}%` : '';
      if (r && line !== last) {
        last = line;
        print(
          `  ⤷ rollout ${r.mesh}/${r.name}: ${r.message}${r.commits.length ? ` [commit ${r.commits.at(-1)!.commit.slice(0, 8)}]` : ''}`,
        );
      }
      if (r?.phase === until || r?.phase === 'blocked') return;
      await new Promise((res) => setTimeout(res, 250));
    }
  };
  stage.faults.blue.fails = (hit) => hit % 3 === 0;
  print(
    '\n▶ canary act 1: colorteller-blue ships a bug (every third reply is a 500) and a Rollout for it is committed',
  );
  commitCanary(stage.repo, stage.routeFile, plan);
  await watch('rolled-back');
  if (stopped()) return;
  print(
    '▶ canary act 2: blue is fixed; the Rollout is retried with a 5s first step (a changed Rollout starts over)',
  );
  stage.faults.blue.fails = undefined;
  plan.steps = [
    [20, '5s'],
    [50, '8s'],
  ];
  writeFileSync(join(stage.repo, 'mesh/rollout.yaml'), rolloutYaml(plan));
  commitAll(stage.repo, 'canary: retry colorteller-blue, fixed');
  await watch('promoted');
  print(`▶ the whole story is in git: git -C ${stage.repo} log --oneline\n`);
}
