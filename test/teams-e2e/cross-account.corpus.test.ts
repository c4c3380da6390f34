/**
 * The corpus's ECS cross-account walkthrough (blogs/ecs-cross-account) as two sources: the backend account
 * owns the shared mesh `yelb`, the frontend account's template names it with MeshOwner. Loaded as the daemon
 * loads sources (prefixed files, one union, the ownership rules), the owners map onto the rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImportReaders } from '@plexus/import';
import { formatDiagnostic, loadAndValidate } from '@plexus/spec';
import { checkOwnership, type OwnershipRules, prefixFiles, sourceOfPath } from '@plexus/teams';
import { corpusDir } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';

const BACKEND = '111111111111';
const FRONTEND = '222222222222';
const corpus = (f: string) => readFileSync(join(corpusDir, f), 'utf8');

const RULES: OwnershipRules = {
  meshes: [
    {
      mesh: 'yelb',
      owner: BACKEND,
      label: 'ownership.meshes[0]',
      members: [
        {
          owner: FRONTEND,
          label: 'ownership.meshes[0].members[0]',
          resources: [
            { kind: '*', name: 'yelb-ui*' },
            { kind: '*', name: 'yelb-appserver*' },
          ],
        },
      ],
    },
  ],
};

async function load(meshOwner: string) {
  const readers = await createImportReaders({});
  const files = [
    ...prefixFiles('backend', [
      {
        path: 'mesh.yaml',
        content: 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: yelb }\nspec: {}\n',
      },
      {
        path: 'appmesh_resources.yml',
        content: corpus('blogs__ecs-cross-account__account_backend__appmesh_resources.yml'),
      },
    ]),
    ...prefixFiles('frontend', [
      {
        path: 'appmesh_resources.yml',
        content: corpus('blogs__ecs-cross-account__account_frontend__appmesh_resources.yml'),
      },
      { path: 'plexus-values.yaml', content: `parameters:\n  MeshOwner: "${meshOwner}"\n` },
    ]),
  ];
  const result = loadAndValidate(files, { readers });
  for (const r of result.resources) r.source = sourceOfPath(r.position.file);
  const owners: Record<string, string> = { backend: BACKEND, frontend: FRONTEND };
  const owned = checkOwnership(
    result.resources,
    (r) => (r.source ? { name: r.source, owner: owners[r.source]! } : undefined),
    RULES,
  );
  return { result, owned };
}

describe('ECS cross-account walkthrough with owners mapped', () => {
  it('loads both accounts as one mesh; the frontend names the backend as mesh owner; the rules hold', async () => {
    const { result, owned } = await load(BACKEND);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const front = result.resources.filter((r) => r.source === 'frontend');
    expect(front.map((r) => r.name).sort()).toEqual([
      'yelb-appserver',
      'yelb-appserver-vn',
      'yelb-ui',
      'yelb-ui-vn',
    ]);
    for (const r of front) expect(r.owners?.meshOwner?.value).toBe(BACKEND);
    expect(owned.map(formatDiagnostic)).toEqual([]);
  });

  it('a MeshOwner that is not the mesh owner is refused at its line', async () => {
    const { owned } = await load('999999999999');
    expect(owned).toHaveLength(4);
    expect(formatDiagnostic(owned[0]!)).toMatch(
      /^frontend\/appmesh_resources\.yml:\d+:\d+: VirtualNode yelb\/yelb-ui-vn: Resources\.UINode\.Properties\.MeshOwner: meshOwner '999999999999' is not the owner of mesh 'yelb': rule ownership\.meshes\[0\] makes '111111111111' its owner$/,
    );
  });
});
