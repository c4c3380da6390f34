/**
 * The corpus's ECS cross-account walkthrough (blogs/ecs-cross-account) as two sources: the backend account
 * owns the shared mesh `yelb`, the frontend account's template names it with MeshOwner. Loaded as the daemon
 * loads sources (prefixed files, one union, the ownership rules), the owners map onto the rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph } from '@plexus/graph';
import { createImportReaders } from '@plexus/import';
import { formatDiagnostic, type LoadOptions, loadAndValidate, type SourceFile } from '@plexus/spec';
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

/** Loads the two accounts' files as the daemon loads sources: one union, then the ownership rules. */
function loadAsAccounts(files: SourceFile[], options: LoadOptions) {
  const result = loadAndValidate(files, options);
  for (const r of result.resources) r.source = sourceOfPath(r.position.file);
  const owners: Record<string, string> = { backend: BACKEND, frontend: FRONTEND };
  const owned = checkOwnership(
    result.resources,
    (r) => (r.source ? { name: r.source, owner: owners[r.source]! } : undefined),
    RULES,
  );
  return { result, owned };
}

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
  return loadAsAccounts(files, { readers });
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

/**
 * The EKS cross-account walkthrough (walkthroughs/eks-app-mesh-cross-account-acm) as two clusters' manifests:
 * the owner account's cluster runs the app server, database and cache; the other account's cluster runs the UI,
 * whose Mesh names the owner in `meshOwner` and whose backend is the app server's ARN. Both define Mesh `yelb`.
 */
describe('EKS cross-account walkthrough with owners mapped', () => {
  const eks = (f: string) => corpus(`walkthroughs__eks-app-mesh-cross-account-acm__mesh__${f}`);
  const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: yelb\n  labels:\n    mesh: yelb\n';
  const mesh = (owner?: string) =>
    'apiVersion: appmesh.k8s.aws/v1beta2\nkind: Mesh\nmetadata:\n  name: yelb\nspec:\n' +
    `  namespaceSelector:\n    matchLabels:\n      mesh: yelb\n${owner ? `  meshOwner: "${owner}"\n` : ''}`;
  const APPSERVER_ARN = `arn:aws:appmesh:us-west-2:${BACKEND}:mesh/yelb/virtualService/yelb-appserver`;

  function loadEks(frontendMeshOwner: string) {
    const files = [
      ...prefixFiles('backend', [
        { path: 'mesh.yaml', content: `${namespace}---\n${mesh()}` },
        { path: 'yelb-appserver.yaml', content: eks('yelb-appserver.yaml') },
        { path: 'yelb-db.yaml', content: eks('yelb-db.yaml') },
        { path: 'yelb-redis.yaml', content: eks('yelb-redis.yaml') },
      ]),
      ...prefixFiles('frontend', [
        { path: 'mesh.yaml', content: `${namespace}---\n${mesh(frontendMeshOwner)}` },
        {
          path: 'yelb-ui.yaml',
          content: eks('yelb-ui.yaml').replace('<yelb-appserver virtualServiceARN>', APPSERVER_ARN),
        },
      ]),
    ];
    return loadAsAccounts(files, {});
  }

  it('both clusters define Mesh yelb; with the owner named it is one mesh, not a duplicate; the rules hold', () => {
    const { result, owned } = loadEks(BACKEND);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const ui = result.resources.find((r) => r.kind === 'VirtualNode' && r.source === 'frontend');
    expect(ui?.mesh).toBe('yelb');
    expect(result.resources.filter((r) => r.kind === 'Mesh').map((r) => r.source)).toEqual([
      'backend',
      'frontend',
    ]);
    expect(owned.map(formatDiagnostic)).toEqual([]);
    expect(buildGraph(result.resources).meshes.get('yelb')?.resource.source).toBe('backend');
  });

  it("the UI cluster's Mesh naming another owner is refused at its meshOwner line", () => {
    const { owned } = loadEks('999999999999');
    expect(owned.map(formatDiagnostic)).toContainEqual(
      expect.stringMatching(
        /^frontend\/mesh\.yaml:\d+:\d+: Mesh yelb\/yelb: spec\.meshOwner: meshOwner '999999999999' is not the owner of mesh 'yelb'/,
      ),
    );
  });
});
