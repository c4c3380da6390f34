import { loadAndValidate, type SpecResource } from '@plexus/spec';
import { describe, expect, it } from 'vitest';
import {
  attributeErrors,
  checkOwnership,
  compositeRevisionId,
  dependentsMessage,
  globMatches,
  type OwnershipRules,
  prefixFiles,
  sourceOfPath,
} from '../src/index.ts';

const RULES: OwnershipRules = {
  meshes: [
    {
      mesh: 'shop',
      owner: 'platform',
      label: 'rule M',
      members: [
        { owner: 'team-a', label: 'rule A', resources: [{ kind: 'VirtualNode', name: 'web-*' }] },
        { owner: 'team-b', label: 'rule B', resources: [{ kind: 'VirtualRouter', name: 'cart' }] },
      ],
    },
  ],
};

function load(files: Record<string, string>): SpecResource[] {
  const r = loadAndValidate(
    Object.entries(files).map(([path, content]) => ({ path, content })),
    {
      partial: true,
    },
  );
  for (const res of r.resources) res.source = sourceOfPath(res.position.file);
  return r.resources;
}

const owners: Record<string, string> = { platform: 'platform', 'team-a': 'team-a', 'team-b': 'team-b' };
const check = (resources: SpecResource[], rules = RULES) =>
  checkOwnership(
    resources,
    (r) => (r.source ? { name: r.source, owner: owners[r.source]! } : undefined),
    rules,
  ).map((d) => `${d.file}:${d.line}:${d.col}: ${d.path ? `${d.path}: ` : ''}${d.message}`);

describe('ownership rules', () => {
  it('lets the mesh owner define anything, and members what their rules cover', () => {
    const resources = load({
      'platform/mesh.yaml': 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop }\nspec: {}\n',
      'team-a/web.yaml':
        'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: web-1, mesh: shop }\nspec: {}\n',
      'team-b/router.yaml': [
        'apiVersion: plexus/v1\nkind: VirtualRouter\nmetadata: { name: cart, mesh: shop }\nspec: {}\n---',
        'apiVersion: plexus/v1\nkind: Route\nmetadata: { name: r, mesh: shop, virtualRouter: cart }\nspec: {}\n',
      ].join('\n'),
    });
    expect(check(resources)).toEqual([]);
  });

  it('refuses what a member may not define, a Mesh from a member, and a mesh nobody shared', () => {
    const resources = load({
      'team-a/x.yaml': [
        'apiVersion: plexus/v1\nkind: VirtualService\nmetadata: { name: web.shop, mesh: shop }\nspec: {}\n---',
        'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop }\nspec: {}\n---',
        'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: web-1, mesh: other }\nspec: {}\n',
      ].join('\n'),
    });
    expect(check(resources)).toEqual([
      "team-a/x.yaml:1:1: owner 'team-a' (source team-a) may not define VirtualService 'web.shop' in mesh 'shop': rule rule A allows VirtualNode web-*",
      "team-a/x.yaml:6:1: owner 'team-a' (source team-a) may not define Mesh 'shop': rule rule M makes 'platform' its owner, and only the owner defines a mesh (a member it is shared with may name it with meshOwner)",
      "team-a/x.yaml:11:1: owner 'team-a' (source team-a) may not define VirtualNode 'web-1': no ownership rule covers mesh 'other' (add it to ownership.meshes)",
    ]);
  });

  it("lets a member name the shared mesh with meshOwner (a consumer cluster's Mesh), nobody else", () => {
    owners['team-c'] = 'team-c';
    const mesh = (owner: string) =>
      `apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop, meshOwner: ${owner} }\nspec: {}\n`;
    const resources = load({
      'platform/mesh.yaml': 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: shop }\nspec: {}\n',
      'team-a/mesh.yaml': mesh('platform'),
      'team-b/mesh.yaml': mesh('team-b'),
      'team-c/mesh.yaml': mesh('platform'),
    });
    expect(check(resources)).toEqual([
      "team-b/mesh.yaml:3:25: metadata.meshOwner: meshOwner 'team-b' is not the owner of mesh 'shop': rule rule M makes 'platform' its owner",
      "team-c/mesh.yaml:1:1: owner 'team-c' (source team-c) may not define Mesh 'shop': rule rule M makes 'platform' its owner, and only the owner defines a mesh (a member it is shared with may name it with meshOwner)",
    ]);
  });

  it('refuses an owner the mesh is not shared with', () => {
    owners['team-c'] = 'team-c';
    const resources = load({
      'team-c/a.yaml':
        'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: web-1, mesh: shop }\nspec: {}\n',
    });
    expect(check(resources)).toEqual([
      "team-c/a.yaml:1:1: owner 'team-c' (source team-c) may not define VirtualNode 'web-1': mesh 'shop' is not shared with it (rule rule M shares it with 'team-a', 'team-b')",
    ]);
  });

  it('checks meshOwner and resourceOwner written in CLI JSON against the mesh and the source', () => {
    const resources = load({
      'team-a/vn.json': JSON.stringify(
        {
          meshName: 'shop',
          meshOwner: '111122223333',
          resourceOwner: 'team-b',
          virtualNodeName: 'web-1',
          spec: {},
        },
        null,
        2,
      ),
    });
    expect(resources[0]!.owners?.meshOwner?.value).toBe('111122223333');
    expect(check(resources)).toEqual([
      "team-a/vn.json:3:3: meshOwner: meshOwner '111122223333' is not the owner of mesh 'shop': rule rule M makes 'platform' its owner",
      "team-a/vn.json:4:3: resourceOwner: resourceOwner 'team-b' is not the owner of source team-a ('team-a'), which defines it",
    ]);
  });

  it('reads native metadata owners and a CRD Mesh meshOwner inherited by its members', () => {
    const resources = load({
      'platform/mesh.yaml': [
        'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata: { name: shop }\nspec:\n  meshOwner: platform\n  namespaceSelector: { matchLabels: { mesh: shop } }\n---',
        'apiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualNode\nmetadata: { name: web-1, namespace: shop }\nspec:\n  meshRef: { name: shop }\n',
      ].join('\n'),
      'team-a/n.yaml':
        'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata: { name: web-2, mesh: shop, resourceOwner: team-a }\nspec: {}\n',
    });
    const by = Object.fromEntries(resources.map((r) => [r.name, r.owners]));
    expect(by.shop?.meshOwner).toMatchObject({
      value: 'platform',
      position: { file: 'platform/mesh.yaml', line: 5 },
    });
    expect(by['web-1_shop']?.meshOwner?.value ?? by['web-1']?.meshOwner?.value).toBe('platform');
    expect(by['web-2']?.resourceOwner).toMatchObject({ value: 'team-a', field: 'metadata.resourceOwner' });
    expect(check(resources)).toEqual([]);
  });
});

describe('sources', () => {
  it('prefixes paths with the source name and reads it back', () => {
    expect(prefixFiles('team-a', [{ path: 'mesh/a.yaml', content: '' }])).toEqual([
      { path: 'team-a/mesh/a.yaml', content: '' },
    ]);
    expect(sourceOfPath('team-a/mesh/a.yaml')).toBe('team-a');
    expect(sourceOfPath('plain.yaml')).toBeUndefined();
  });

  it('names the union by its one source, or by a hash of every source revision', () => {
    expect(compositeRevisionId(new Map([['a', 'abc']]))).toBe('abc');
    const two = compositeRevisionId(
      new Map([
        ['b', '2'],
        ['a', '1'],
      ]),
    );
    expect(two).toMatch(/^[0-9a-f]{40}$/);
    expect(
      compositeRevisionId(
        new Map([
          ['a', '1'],
          ['b', '2'],
        ]),
      ),
    ).toBe(two);
    expect(
      compositeRevisionId(
        new Map([
          ['a', '1'],
          ['b', '3'],
        ]),
      ),
    ).not.toBe(two);
  });

  it("splits a union's errors into the changed source's and its dependents'", () => {
    const e = (file: string, name: string) =>
      ({
        severity: 'error',
        file,
        line: 1,
        col: 1,
        kind: 'VirtualNode',
        mesh: 'shop',
        name,
        path: '',
        message: 'x',
      }) as const;
    const a = attributeErrors(
      [e('team-b/a.yaml', 'cart'), e('team-a/w.yaml', 'web'), e('team-a/v.yaml', 'web2')],
      'team-b',
    );
    expect(a.own.map((d) => d.name)).toEqual(['cart']);
    expect(dependentsMessage('team-b', a.dependents)).toBe(
      "source team-b: the change breaks resources other sources depend on: team-a's VirtualNode shop/web, VirtualNode shop/web2",
    );
  });

  it('matches name patterns with * and ?', () => {
    expect(globMatches('web-*', 'web-1')).toBe(true);
    expect(globMatches('web-?', 'web-12')).toBe(false);
    expect(globMatches('a.b', 'aXb')).toBe(false);
    expect(globMatches('*', 'anything')).toBe(true);
  });
});
