import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadAndValidate } from '../../src/index.ts';

const MESH = `apiVersion: plexus/v1
kind: Mesh
metadata: { name: m }
---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: red, mesh: m }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.1 }] } }
---
apiVersion: plexus/v1
kind: VirtualRouter
metadata: { name: color, mesh: m }
spec:
  listeners: [{ portMapping: { port: 8080, protocol: http } }]
---
apiVersion: plexus/v1
kind: Route
metadata: { name: r1, mesh: m, virtualRouter: color }
spec:
  httpRoute:
    match: { prefix: / }
    action: { weightedTargets: [{ virtualNode: red, weight: 1 }] }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: color.m, mesh: m }
spec: { provider: { virtualRouter: { virtualRouterName: color } } }
`;

function run(policies: string): string[] {
  const loaded = loadAndValidate([
    { path: 'mesh.yaml', content: MESH },
    { path: 'policy.yaml', content: policies },
  ]);
  return loaded.diagnostics.map(formatDiagnostic);
}

const JWT = `apiVersion: plexus/v1
kind: AuthPolicy
metadata: { name: jwt, mesh: m }
spec:
  targetRef: { kind: VirtualNode, name: red }
  jwt:
    providers:
      - name: corp
        issuer: https://issuer.example
        localJwks: { inline: '{"keys":[]}' }
`;

describe('policy kinds', () => {
  it('a valid AuthPolicy loads with no findings', () => {
    expect(run(JWT)).toEqual([]);
    const loaded = loadAndValidate([
      { path: 'mesh.yaml', content: MESH },
      { path: 'policy.yaml', content: JWT },
    ]);
    expect(loaded.resources.filter((r) => r.kind === 'AuthPolicy').map((r) => r.name)).toEqual(['jwt']);
  });

  it('schema errors carry file:line:col and the field path', () => {
    expect(
      run(
        JWT.replace(
          'issuer: https://issuer.example',
          'issuer: https://issuer.example\n        audiance: [x]',
        ),
      ),
    ).toEqual([
      'policy.yaml:10:9: AuthPolicy m/jwt: spec.jwt.providers[0].audiance: unknown field "audiance"; did you mean "audiences"?',
    ]);
  });

  it('a missing target is an error at targetRef.name', () => {
    expect(run(JWT.replace('name: red }', 'name: blue }'))).toEqual([
      'policy.yaml:5:35: AuthPolicy m/jwt: spec.targetRef.name: VirtualNode "blue" is not defined in mesh "m"',
    ]);
  });

  it('a Route target must name its virtual router, and must exist in it', () => {
    const p = (ref: string) => `apiVersion: plexus/v1
kind: TrafficPolicy
metadata: { name: t, mesh: m }
spec:
  targetRef: ${ref}
  mirror: { virtualNode: red, percentage: 50 }
`;
    expect(run(p('{ kind: Route, name: r1, virtualRouter: color }'))).toEqual([]);
    expect(run(p('{ kind: Route, name: r1 }'))).toEqual([
      'policy.yaml:5:3: TrafficPolicy m/t: spec.targetRef.virtualRouter: a Route target must name its virtualRouter',
    ]);
    expect(run(p('{ kind: Route, name: r2, virtualRouter: color }'))).toEqual([
      'policy.yaml:5:29: TrafficPolicy m/t: spec.targetRef.name: Route "r2" of virtualRouter "color" is not defined in mesh "m"',
    ]);
  });

  it('settings on a target kind they do not apply to are errors', () => {
    const p = `apiVersion: plexus/v1
kind: TrafficPolicy
metadata: { name: t, mesh: m }
spec:
  targetRef: { kind: VirtualNode, name: red }
  mirror: { virtualNode: red }
`;
    expect(run(p)).toEqual([
      'policy.yaml:6:3: TrafficPolicy m/t: spec.mirror: mirror applies to a Route or GatewayRoute target, not a VirtualNode',
    ]);
  });

  it('two policies of one kind on one target conflict; the second names the first', () => {
    const second = JWT.replace('name: jwt,', 'name: jwt2,');
    expect(run(`${JWT}---\n${second}`)).toEqual([
      'policy.yaml:16:3: AuthPolicy m/jwt2: spec.targetRef: VirtualNode/m/red already has AuthPolicy "jwt" (policy.yaml:1:1); one AuthPolicy per target: merge them',
    ]);
  });

  it('a policy service must be a virtual service provided by a virtual node', () => {
    const p = `apiVersion: plexus/v1
kind: AuthPolicy
metadata: { name: a, mesh: m }
spec:
  targetRef: { kind: VirtualNode, name: red }
  extAuthz:
    grpc: { service: { virtualService: color.m } }
`;
    expect(run(p)).toEqual([
      'policy.yaml:7:24: AuthPolicy m/a: spec.extAuthz.grpc.service.virtualService: virtual service "color.m" must be provided by a virtual node to serve a policy (it is a virtual router)',
    ]);
  });
});
