import { describe, expect, it } from 'vitest';
import { formatDiagnostic, validateResources } from '../../src/index.ts';
import { resource, validMesh } from './helpers.ts';

const run = (extra: ReturnType<typeof resource>[], partial = false) =>
  validateResources([...validMesh(), ...extra], { partial }).map(formatDiagnostic);

describe('identity rules', () => {
  it('names are 1 to 255 characters', () => {
    expect(run([resource('VirtualRouter', 'r'.repeat(255), { listeners: [] }, { file: 'r.yaml' })])).toEqual([
      `r.yaml:1:1: VirtualRouter m/${'r'.repeat(255)}: metadata.name: warning: virtual router "${'r'.repeat(255)}" has no routes`,
    ]);
    expect(run([resource('VirtualNode', '', {}, { file: 'n.yaml' })])).toEqual([
      'n.yaml:1:1: VirtualNode m/: metadata.name: name must be 1 to 255 characters, got 0',
    ]);
  });

  it('warns about a resource in a mesh the input does not define', () => {
    expect(run([resource('VirtualNode', 'x', {}, { mesh: 'm' })])).toEqual([]);
    const out = validateResources([resource('VirtualNode', 'x', {}, { mesh: 'other', file: 'x.yaml' })]);
    expect(out.map(formatDiagnostic)).toEqual([
      'x.yaml:1:1: VirtualNode other/x: metadata.mesh: warning: mesh "other" is not defined in the input',
    ]);
    expect(out[0]?.severity).toBe('warning');
  });

  it('a Route needs an existing virtual router, a GatewayRoute an existing virtual gateway', () => {
    const route = { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] } } };
    expect(run([resource('Route', 'r', route, { file: 'r.yaml' })])).toEqual([
      'r.yaml:1:1: Route m/r: metadata.virtualRouter: a Route must name its virtual router',
    ]);
    expect(run([resource('Route', 'r', route, { virtualRouter: 'ghost', file: 'r.yaml' })])).toEqual([
      'r.yaml:1:1: Route m/r: metadata.virtualRouter: virtual router "ghost" is not defined in mesh "m"',
    ]);
    const gr = {
      grpcRoute: {
        match: {},
        action: { target: { virtualService: { virtualServiceName: 'color.m.local' } } },
      },
    };
    expect(run([resource('GatewayRoute', 'g', gr, { file: 'g.yaml' })])).toEqual([
      'g.yaml:1:1: GatewayRoute m/g: metadata.virtualGateway: a GatewayRoute must name its virtual gateway',
    ]);
    expect(run([resource('GatewayRoute', 'g', gr, { virtualGateway: 'ghost', file: 'g.yaml' })])).toEqual([
      'g.yaml:1:1: GatewayRoute m/g: metadata.virtualGateway: virtual gateway "ghost" is not defined in mesh "m"',
    ]);
    expect(
      run([resource('GatewayRoute', 'g', gr, { virtualGateway: 'ghost', file: 'g.yaml' })], true),
    ).toEqual([
      'g.yaml:1:1: GatewayRoute m/g: metadata.virtualGateway: warning: virtual gateway "ghost" is not defined in mesh "m"',
    ]);
  });

  it('names are unique per kind and mesh, and routes per router', () => {
    // Same name in another kind, another mesh or another router is fine.
    expect(
      run([
        resource('VirtualRouter', 'red', { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] }),
        resource(
          'Route',
          'red',
          { tcpRoute: { action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] } } },
          { virtualRouter: 'red' },
        ),
      ]).filter((l) => l.includes('duplicate')),
    ).toEqual([]);
    expect(run([resource('VirtualNode', 'red', {}, { file: 'dup.yaml' })])).toEqual([
      'dup.yaml:1:1: VirtualNode m/red: metadata.name: duplicate virtual node "red" in mesh "m"; first defined at virtualnode-red.yaml:1:1',
    ]);
    const route = resource(
      'Route',
      'color-route',
      {
        httpRoute: {
          match: { prefix: '/' },
          action: { weightedTargets: [{ virtualNode: 'red', weight: 1 }] },
        },
      },
      { virtualRouter: 'color', file: 'dup-route.yaml' },
    );
    expect(run([route])).toEqual([
      'dup-route.yaml:1:1: Route m/color-route: metadata.name: duplicate route "color-route" in virtual router "color" of mesh "m"; first defined at route-color-route.yaml:1:1',
    ]);
    expect(run([resource('Mesh', 'm', {}, { file: 'm2.yaml' })])).toEqual([
      'm2.yaml:1:1: Mesh m/m: metadata.name: duplicate mesh "m"; first defined at mesh-m.yaml:1:1',
    ]);
  });

  it("a shared mesh's view naming its owner in meshOwner is not a duplicate; two owners are", () => {
    const view = (file: string, owner: string) => {
      const r = resource('Mesh', 'm', {}, { file });
      r.owners = { meshOwner: { value: owner, field: 'metadata.meshOwner', position: r.position } };
      return r;
    };
    expect(run([view('consumer.yaml', '111111111111'), view('other-consumer.yaml', '111111111111')])).toEqual(
      [],
    );
    expect(run([view('a.yaml', '111111111111'), view('b.yaml', '222222222222')])).toEqual([
      'b.yaml:1:1: Mesh m/m: metadata.name: duplicate mesh "m"; first defined at a.yaml:1:1',
    ]);
  });
});
