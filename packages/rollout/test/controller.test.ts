import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepoWriter } from '@plexus/api';
import { createSpecLoader, formatDiagnostic, type SpecResource } from '@plexus/spec';
import type { RouteTargetRef, RouteTargetWindow } from '@plexus/telemetry';
import { commitAll, initRepo } from '@plexus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolloutController } from '../src/index.ts';

const node = (name: string) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: m }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery: { dns: { hostname: ${name}.m.local } }
`;
const MESH = [
  'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: m }\n',
  node('red'),
  node('blue'),
  `apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: color, mesh: m }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
`,
  `apiVersion: plexus/v1
kind: Route
metadata: { name: r1, mesh: m, virtualRouter: color }
spec:
  httpRoute:
    match: { prefix: / } # every path
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
`,
].join('---\n');
const ROLLOUT = `apiVersion: plexus/v1
kind: Rollout
metadata: { name: blue, mesh: m }
spec:
  targetRef: { kind: Route, name: r1, virtualRouter: color }
  stable: { virtualNode: red }
  canary: { virtualNode: blue }
  steps: [{ weight: 10, duration: 10s }, { weight: 50, duration: 10s }]
  gates: { maxErrorRate: 0.1, minRequests: 5 }
`;

let dir: string;
let now: number;
let traffic: Record<string, RouteTargetWindow>;
const loader = createSpecLoader();
const quiet: RouteTargetWindow = { requests: 0, errors: 0, errorRate: 0, p99Ms: null };

function setup() {
  const writer = new RepoWriter({
    repo: { gitdir: join(dir, '.git'), ref: 'refs/heads/main', subdir: '', worktree: dir },
    validate: (files) => loader.loadAndValidate(files),
    formatDiagnostic,
    waitApplied: async () => 'applied',
  });
  const log = () =>
    execFileSync('git', ['log', '--format=%H%x00%B%x01'], { cwd: dir, encoding: 'utf8' })
      .split('\x01')
      .map((e) => e.trim())
      .filter(Boolean)
      .map((e) => ({ commit: e.split('\0')[0]!, message: e.split('\0')[1]! }));
  const controller = new RolloutController({
    write: (plan, author) => writer.write(plan, author),
    history: async () => log(),
    telemetry: (ref: RouteTargetRef) => traffic[ref.targetVirtualNode] ?? quiet,
    now: () => now,
  });
  const apply = async () => controller.update((await writer.head()).resources as SpecResource[]);
  return { controller, apply, log };
}

const subjects = (log: () => Array<{ message: string }>) => log().map((c) => c.message.split('\n')[0]);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-rollout-'));
  initRepo(dir);
  writeFileSync(join(dir, 'mesh.yaml'), MESH);
  writeFileSync(join(dir, 'rollout.yaml'), ROLLOUT);
  commitAll(dir, 'mesh and rollout');
  now = 1_000_000;
  traffic = {};
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('RolloutController', () => {
  it('a healthy canary climbs step by step to 100%, one commit per step, and the route file keeps its comment', async () => {
    const { controller, apply, log } = setup();
    await apply();
    await controller.settled();
    expect(subjects(log)[0]).toBe('Rollout m/blue: step 1 of 2, canary blue at 10%');
    expect(readFileSync(join(dir, 'mesh.yaml'), 'utf8')).toContain('# every path');
    traffic = {
      blue: { requests: 20, errors: 1, errorRate: 0.05, p99Ms: 5 },
      red: { requests: 180, errors: 0, errorRate: 0, p99Ms: 4 },
    };
    now += 5_000;
    controller.tick();
    await controller.settled();
    expect(controller.status()[0]).toMatchObject({ phase: 'progressing', step: 1, canaryWeight: 10 });
    now += 6_000;
    controller.tick();
    await controller.settled();
    expect(controller.status()[0]).toMatchObject({ phase: 'progressing', step: 2, canaryWeight: 50 });
    now += 11_000;
    controller.tick();
    await controller.settled();
    expect(controller.status()[0]).toMatchObject({ phase: 'promoted', canaryWeight: 100 });
    expect(subjects(log).slice(0, 3)).toEqual([
      'Rollout m/blue: promoted, canary blue at 100%',
      'Rollout m/blue: step 2 of 2, canary blue at 50%',
      'Rollout m/blue: step 1 of 2, canary blue at 10%',
    ]);
    expect(log()[0]!.message).toMatch(
      /Plexus-Rollout: m\/blue\nPlexus-Rollout-Spec: [0-9a-f]{12}\nPlexus-Rollout-Phase: promoted/,
    );
    const head = readFileSync(join(dir, 'mesh.yaml'), 'utf8');
    expect(head).toMatch(/virtualNode: red[\s,]+weight: 0/);
    expect(head).toMatch(/virtualNode: blue[\s,]+weight: 100/);
  });

  it('a failing gate commits a rollback at once, with the reason, and stays rolled back', async () => {
    const { controller, apply, log } = setup();
    await apply();
    await controller.settled();
    traffic = { blue: { requests: 20, errors: 8, errorRate: 0.4, p99Ms: 5 } };
    now += 2_000;
    controller.tick();
    await controller.settled();
    const s = controller.status()[0]!;
    expect(s).toMatchObject({ phase: 'rolled-back', canaryWeight: 0 });
    expect(s.message).toMatch(/canary error rate 40% > maxErrorRate 10% \(8 of 20 canary requests/);
    expect(subjects(log)[0]).toBe('Rollout m/blue: rolled back at step 1, all traffic to red');
    expect(log()[0]!.message).toContain('Plexus-Rollout-Phase: rolled-back');
    const head = readFileSync(join(dir, 'mesh.yaml'), 'utf8');
    expect(head).toMatch(/virtualNode: red[\s,]+weight: 100/);
    expect(head).toMatch(/virtualNode: blue[\s,]+weight: 0/);
    const commits = log().length;
    now += 60_000;
    controller.tick();
    await controller.settled();
    expect(log().length).toBe(commits);
  });

  it('holds a step whose gates never saw enough canary traffic', async () => {
    const { controller, apply, log } = setup();
    await apply();
    await controller.settled();
    traffic = { blue: { requests: 2, errors: 0, errorRate: 0, p99Ms: 5 } };
    now += 30_000;
    controller.tick();
    await controller.settled();
    expect(controller.status()[0]!.message).toMatch(/held: the gates have not seen 5 canary requests/);
    expect(subjects(log)[0]).toBe('Rollout m/blue: step 1 of 2, canary blue at 10%');
  });

  it('a restarted controller resumes from the trailers; a changed Rollout starts over', async () => {
    const first = setup();
    await first.apply();
    await first.controller.settled();
    traffic = { blue: { requests: 20, errors: 0, errorRate: 0, p99Ms: 5 } };
    now += 11_000;
    first.controller.tick();
    await first.controller.settled();
    expect(first.controller.status()[0]).toMatchObject({ step: 2 });
    const commits = first.log().length;

    const second = setup();
    await second.apply();
    await second.controller.settled();
    expect(second.controller.status()[0]).toMatchObject({ phase: 'progressing', step: 2, canaryWeight: 50 });
    expect(second.log().length).toBe(commits);

    writeFileSync(join(dir, 'rollout.yaml'), ROLLOUT.replace('weight: 10,', 'weight: 20,'));
    commitAll(dir, 'retry with 20%');
    await second.apply();
    await second.controller.settled();
    expect(second.controller.status()[0]).toMatchObject({ phase: 'progressing', step: 1, canaryWeight: 20 });
    expect(subjects(second.log)[0]).toBe('Rollout m/blue: step 1 of 2, canary blue at 20%');
  });
});
