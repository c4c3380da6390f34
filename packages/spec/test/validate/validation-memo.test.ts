import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadFiles, type SourceFile, ValidationMemo, validateResources } from '../../src/index.ts';
import { resource, validMesh } from './helpers.ts';

const node = (name: string, backend: string) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: shop }
spec:
  listeners:
    - portMapping: { port: 8080, protocol: http }
  serviceDiscovery:
    dns: { hostname: ${name}.shop.local }
  backends:
    - virtualService: { virtualServiceName: ${backend} }
`;
const service = (name: string, provider: string) => `apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${name}, mesh: shop }
spec:
  provider:
    virtualNode: { virtualNodeName: ${provider} }
`;
const MESH = 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop }\nspec: {}\n';

function tree(n: number): SourceFile[] {
  const files: SourceFile[] = [{ path: 'mesh.yaml', content: MESH }];
  for (let i = 0; i < n; i++) {
    files.push({ path: `n${i}.yaml`, content: node(`n${i}`, `s${(i + 1) % n}.shop.local`) });
    files.push({ path: `s${i}.yaml`, content: service(`s${i}.shop.local`, `n${i}`) });
  }
  return files;
}

describe('ValidationMemo', () => {
  test('a one-file change re-checks that file and its referrers only, with the full validation output', () => {
    const files = tree(50);
    const first = loadFiles(files).resources;
    const memo = new ValidationMemo();
    expect(validateResources(first, { memo })).toEqual(validateResources(first));
    expect(memo.checked).toBe(first.length);

    // s7 now points at a node that does not exist: s7 (a new object) and n6 (whose backend lookup now finds
    // the new s7) are checked again, the other 99 resources are not.
    const next = first.map((r) => r);
    const s7 = files.findIndex((f) => f.path === 's7.yaml');
    next[s7] = loadFiles([{ path: 's7.yaml', content: service('s7.shop.local', 'nowhere') }]).resources[0];
    const got = validateResources(next, { memo });
    expect(got).toEqual(validateResources(next));
    expect(got.some((d) => d.file === 's7.yaml' && d.severity === 'error')).toBe(true);
    expect(memo.checked).toBe(2);
    expect(memo.reused).toBe(next.length - 2);
  });

  test('a removed resource makes the resources that looked it up check again', () => {
    const first = loadFiles(tree(10)).resources;
    const memo = new ValidationMemo();
    validateResources(first, { memo });
    const without = first.filter((r) => !(r.kind === 'VirtualService' && r.name === 's3.shop.local'));
    const got = validateResources(without, { memo });
    expect(got).toEqual(validateResources(without));
    expect(got.some((d) => d.file === 'n2.yaml' && d.severity === 'error')).toBe(true);
    expect(memo.checked).toBe(1);
  });

  test('partial and strict findings are not mixed', () => {
    const files = tree(5).filter((f) => f.path !== 's2.yaml');
    const rs = loadFiles(files).resources;
    const memo = new ValidationMemo();
    expect(validateResources(rs, { memo, partial: true })).toEqual(validateResources(rs, { partial: true }));
    expect(validateResources(rs, { memo })).toEqual(validateResources(rs));
  });

  test('an unchanged tree re-checks nothing; kept resources that changed order are asked again', () => {
    // Two routers of one name: the first is the one found, so the route's findings follow the order.
    const http = resource('VirtualRouter', 'color', {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
    });
    const tcp = resource(
      'VirtualRouter',
      'color',
      { listeners: [{ portMapping: { port: 8080, protocol: 'tcp' } }] },
      { file: 'second-router.yaml' },
    );
    const base = validMesh().filter((r) => r.kind !== 'VirtualRouter');
    const memo = new ValidationMemo();
    const first = [...base, http, tcp];
    expect(validateResources(first, { memo })).toEqual(validateResources(first));
    expect(validateResources(first, { memo })).toEqual(validateResources(first));
    expect(memo.checked).toBe(0);
    const swapped = [...base, tcp, http];
    const got = validateResources(swapped, { memo });
    expect(got).toEqual(validateResources(swapped));
    expect(got.some((d) => d.kind === 'Route' && d.message.includes('listens with tcp'))).toBe(true);
  });

  test('a resource that comes back after a revision without it has its lookups asked again', () => {
    const rs = loadFiles(tree(4)).resources;
    const memo = new ValidationMemo();
    validateResources(rs, { memo });
    const isS2 = (r: (typeof rs)[number]) => r.kind === 'VirtualService' && r.name === 's2.shop.local';
    const isN2 = (r: (typeof rs)[number]) => r.kind === 'VirtualNode' && r.name === 'n2';
    // s2 and its provider n2 go; then s2 (the same object) comes back alone: its provider is still missing.
    validateResources(
      rs.filter((r) => !isS2(r) && !isN2(r)),
      { memo },
    );
    const back = rs.filter((r) => !isN2(r));
    const got = validateResources(back, { memo });
    expect(got).toEqual(validateResources(back));
    expect(got.some((d) => d.file === 's2.yaml' && d.severity === 'error')).toBe(true);
  });

  test('property: any sequence of edits, removals, returns and reorders gives the full validation output', () => {
    const files = tree(6);
    const all = loadFiles(files).resources;
    const parse = (path: string, content: string) => loadFiles([{ path, content }]).resources[0];
    const step = fc.oneof(
      // a service re-parsed with another provider (maybe a missing one)
      fc.record({ op: fc.constant('provider' as const), i: fc.nat(5), to: fc.nat(7) }),
      // a node re-parsed with another backend
      fc.record({ op: fc.constant('backend' as const), i: fc.nat(5), to: fc.nat(7) }),
      // a resource leaves, or an earlier object of the tree comes back
      fc.record({ op: fc.constant('drop' as const), i: fc.nat(12) }),
      fc.record({ op: fc.constant('return' as const), i: fc.nat(12) }),
      // two resources swap places, or a second definition of a name appears
      fc.record({ op: fc.constant('swap' as const), i: fc.nat(12), j: fc.nat(12) }),
      fc.record({ op: fc.constant('duplicate' as const), i: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const memo = new ValidationMemo();
        let rs = [...all];
        validateResources(rs, { memo });
        for (const s of steps) {
          if (s.op === 'provider')
            rs = rs.map((r) =>
              r.kind === 'VirtualService' && r.name === `s${s.i}.shop.local`
                ? parse(`s${s.i}.yaml`, service(`s${s.i}.shop.local`, `n${s.to}`))
                : r,
            );
          else if (s.op === 'backend')
            rs = rs.map((r) =>
              r.kind === 'VirtualNode' && r.name === `n${s.i}`
                ? parse(`n${s.i}.yaml`, node(`n${s.i}`, `s${s.to}.shop.local`))
                : r,
            );
          else if (s.op === 'drop') rs = rs.filter((r) => r !== all[s.i % all.length]);
          else if (s.op === 'return') {
            const back = all[s.i % all.length];
            if (!rs.includes(back)) rs = [...rs, back];
          } else if (s.op === 'swap') {
            const [a, b] = [s.i % rs.length, s.j % rs.length];
            rs = [...rs];
            [rs[a], rs[b]] = [rs[b], rs[a]];
          } else rs = [...rs, parse(`dup${s.i}.yaml`, service(`s${s.i}.shop.local`, 'n0'))];
          expect(validateResources(rs, { memo })).toEqual(validateResources(rs));
        }
      }),
      { numRuns: 200 },
    );
  });
});
