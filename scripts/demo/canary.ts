/**
 * A canary on the colorapp demo: the route "colors" goes to one stable colorteller, and a Rollout moves traffic
 * to a canary colorteller step by step, judged on the mesh telemetry. Used by `npm start` and test/rollout-e2e.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
