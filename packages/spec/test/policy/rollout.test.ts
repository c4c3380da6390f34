import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadAndValidate } from '../../src/index.ts';

const node = (name: string) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: m }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
`;

const MESH = [
  'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: m }\n',
  node('red'),
  node('blue'),
  node('green'),
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
    match: { prefix: / }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
`,
].join('---\n');

const rollout = (body: string) => `apiVersion: plexus/v1
kind: Rollout
metadata: { name: blue, mesh: m }
spec:
${body}`;

const VALID = `  targetRef: { kind: Route, name: r1, virtualRouter: color }
  stable: { virtualNode: red }
  canary: { virtualNode: blue }
  steps: [{ weight: 10, duration: 30s }, { weight: 50, duration: 1m }]
  gates: { maxErrorRate: 0.05, maxP99: 500ms, minRequests: 20 }
`;

function run(doc: string): string[] {
  return loadAndValidate([
    { path: 'mesh.yaml', content: MESH },
    { path: 'rollout.yaml', content: doc },
  ]).diagnostics.map(formatDiagnostic);
}

describe('Rollout kind', () => {
  it('a valid rollout loads with no findings', () => {
    expect(run(rollout(VALID))).toEqual([]);
  });

  it('refuses a target that is not a Route, with file, line and field', () => {
    const out = run(
      rollout(
        VALID.replace('{ kind: Route, name: r1, virtualRouter: color }', '{ kind: VirtualNode, name: red }'),
      ),
    );
    expect(out).toEqual([
      expect.stringMatching(
        /^rollout\.yaml:5:\d+: .*targetRef\.kind: a Rollout moves a Route's weights, not a VirtualNode's/,
      ),
    ]);
  });

  it('names an undefined canary, a canary equal to stable and steps that do not climb', () => {
    expect(run(rollout(VALID.replace('virtualNode: blue', 'virtualNode: nope')))).toEqual([
      expect.stringMatching(/canary\.virtualNode: virtual node "nope" is not defined in mesh "m"/),
    ]);
    expect(run(rollout(VALID.replace('virtualNode: blue', 'virtualNode: red')))).toEqual([
      expect.stringMatching(/canary\.virtualNode: the canary must differ from stable \("red"\)/),
    ]);
    expect(run(rollout(VALID.replace('weight: 50', 'weight: 10')))).toEqual([
      expect.stringMatching(
        /steps\.1\.weight|steps\[1\]\.weight: steps must climb: 10 is not above the previous step's 10/,
      ),
    ]);
  });

  it('refuses a route that sends traffic to a third target', () => {
    const out = loadAndValidate([
      {
        path: 'mesh.yaml',
        content: MESH.replace(
          '[{ virtualNode: red, weight: 1 }]',
          '[{ virtualNode: red, weight: 1 }, { virtualNode: green, weight: 1 }]',
        ),
      },
      { path: 'rollout.yaml', content: rollout(VALID) },
    ]).diagnostics.map(formatDiagnostic);
    expect(out).toEqual([
      expect.stringMatching(/route "r1" \(mesh\.yaml:\d+\) also sends traffic to "green"/),
    ]);
    const idle = loadAndValidate([
      {
        path: 'mesh.yaml',
        content: MESH.replace(
          '[{ virtualNode: red, weight: 1 }]',
          '[{ virtualNode: red, weight: 1 }, { virtualNode: green, weight: 0 }]',
        ),
      },
      { path: 'rollout.yaml', content: rollout(VALID) },
    ]);
    expect(idle.diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('schema errors: weights stay within 1..99, gates within their ranges', () => {
    const out = run(
      rollout(VALID.replace('weight: 50', 'weight: 100').replace('maxErrorRate: 0.05', 'maxErrorRate: 5')),
    );
    expect(out.join('\n')).toMatch(/weight: must be between 1 and 99, got 100/);
    expect(out.join('\n')).toMatch(/maxErrorRate: must be between 0 and 1, got 5/);
  });

  it('one rollout per route', () => {
    const two = `${rollout(VALID)}---\n${rollout(VALID).replace('name: blue', 'name: blue2')}`;
    expect(run(two)).toEqual([expect.stringMatching(/already has Rollout "blue" \(rollout\.yaml:\d+:\d+\)/)]);
  });
});
