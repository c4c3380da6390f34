/**
 * A pipeline written for App Mesh, pointed at Plexus by its endpoint only: the real AWS CLI and
 * @aws-sdk/client-app-mesh drive a colorapp canary against a real daemon serving five real Envoys. Each call
 * is a commit; traffic follows; bad input is refused as App Mesh refuses it; racing writers lose nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadRequestException, ConflictException } from '@aws-sdk/client-app-mesh';
import { git, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type ColorappRun, freePorts, startColorapp } from '../../scripts/demo/colorapp.ts';
import { tally } from '../../scripts/demo/local-mesh.ts';
import { awsAppMesh, canarySpec, sdk } from './helpers.ts';

const REGION = 'us-west-2';
const PIPELINE = { accessKeyId: 'AKIAPLEXUSPIPELINE01', secretAccessKey: 'pipeline-secret-0123456789' };
const OTHER = { accessKeyId: 'AKIAPLEXUSOPERATOR01', secretAccessKey: 'operator-secret-0123456789' };

let workDir: string;
let run: ColorappRun;
let endpoint: string;

const head = () => git(run.repo, ['rev-parse', 'HEAD']);
const routeArgs = [
  '--mesh-name',
  'colorapp',
  '--virtual-router-name',
  'colorteller',
  '--route-name',
  'colors',
];

/** Polls the gateway until the red/blue split looks like `want`; returns the ms it took. */
async function trafficFollows(want: (t: Record<string, number>) => boolean, what: string): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => want(await tally(run.ports.gateway, 20)), {
    timeoutMs: 10_000,
    intervalMs: 20,
    what,
  });
  return Date.now() - t0;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'plexus-api-e2e-'));
  run = await startColorapp({
    workDir,
    ports: await freePorts(),
    logger: pino({ level: 'warn' }),
    api: {
      region: REGION,
      accountId: '111122223333',
      keys: [
        { ...PIPELINE, author: 'Canary Pipeline <pipeline@example.com>' },
        { ...OTHER, author: 'Operator <ops@example.com>' },
      ],
    },
  });
  endpoint = `http://127.0.0.1:${run.daemon.httpPort}`;
}, 120_000);

afterAll(async () => {
  await run?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('colorapp canary through the App Mesh API', () => {
  it('update-route 100/0 → 50/50 → 0/100 with the AWS CLI: each step a commit, traffic following', async () => {
    const steps: Array<[number, number, (t: Record<string, number>) => boolean]> = [
      [100, 0, (t) => t.red === 20],
      [50, 50, (t) => (t.red ?? 0) > 0 && (t.blue ?? 0) > 0 && (t.red ?? 0) + (t.blue ?? 0) === 20],
      [0, 100, (t) => t.blue === 20],
    ];
    for (const [red, blue, want] of steps) {
      const before = head();
      const r = await awsAppMesh(endpoint, PIPELINE, REGION, [
        'update-route',
        ...routeArgs,
        '--spec',
        JSON.stringify(canarySpec(red, blue)),
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const route = (r.json as { route: { spec: unknown; metadata: { version: number } } }).route;
      expect(route.spec).toEqual(canarySpec(red, blue));
      expect(git(run.repo, ['rev-parse', 'HEAD~1'])).toBe(before);
      expect(git(run.repo, ['log', '-1', '--format=%an|%s'])).toBe(
        'Canary Pipeline|UpdateRoute Route colorapp/colorteller/colors',
      );
      const ms = await trafficFollows(want, `traffic at ${red}/${blue}`);
      console.log(`api-e2e: update-route ${red}/${blue} answered → traffic followed in ${ms} ms`);
      expect(ms).toBeLessThan(3000);
    }
  });

  it('describe-route and list-virtual-nodes return what the files say', async () => {
    const file = readFileSync(run.routeFile, 'utf8');
    const route = parseAllDocuments(file)
      .map((d) => d.toJS() as { kind: string; spec: unknown })
      .find((d) => d.kind === 'Route');
    const d = await awsAppMesh(endpoint, PIPELINE, REGION, ['describe-route', ...routeArgs]);
    expect(d.code).toBe(0);
    const described = (d.json as { route: Record<string, unknown> }).route;
    expect(described.spec).toEqual(route?.spec);
    expect(described).toMatchObject({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'colors',
      status: { status: 'ACTIVE' },
      metadata: {
        arn: 'arn:aws:appmesh:us-west-2:111122223333:mesh/colorapp/virtualRouter/colorteller/route/colors',
        meshOwner: '111122223333',
        resourceOwner: '111122223333',
        version: 4,
      },
    });
    const l = await awsAppMesh(endpoint, PIPELINE, REGION, ['list-virtual-nodes', '--mesh-name', 'colorapp']);
    const names = (l.json as { virtualNodes: Array<{ virtualNodeName: string }> }).virtualNodes.map(
      (n) => n.virtualNodeName,
    );
    const inFiles = readdirSync(join(run.repo, 'mesh'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(run.repo, 'mesh', f), 'utf8')))
      .map((doc) => doc.toJS() as { kind: string; metadata: { name: string } })
      .filter((doc) => doc.kind === 'VirtualNode')
      .map((doc) => doc.metadata.name)
      .sort();
    expect(inFiles.length).toBeGreaterThan(0);
    expect(names).toEqual(inFiles);
  });

  it('weight 1000 is refused with BadRequestException, the repo and traffic unchanged', async () => {
    const before = head();
    const r = await awsAppMesh(endpoint, PIPELINE, REGION, [
      'update-route',
      ...routeArgs,
      '--spec',
      JSON.stringify(canarySpec(1000, 0)),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /An error occurred \(BadRequestException\) when calling the UpdateRoute operation: .*mesh\/colorteller\.yaml:\d+:\d+: Route colorapp\/colors: .*weight/,
    );
    expect(head()).toBe(before);
    expect(git(run.repo, ['status', '--porcelain'])).toBe('');
    expect(await tally(run.ports.gateway, 20)).toEqual({ blue: 20 });
  });

  it('a virtual node and a route created through the SDK read as clean commits in git log -p', async () => {
    const mesh = sdk(endpoint, PIPELINE, REGION);
    await mesh.createVirtualNode({
      meshName: 'colorapp',
      virtualNodeName: 'colorteller-canary',
      spec: {
        listeners: [{ portMapping: { port: run.ports.apps['colorteller-blue']!, protocol: 'http' } }],
        serviceDiscovery: { dns: { hostname: 'canary.colorapp.local' } },
      },
    });
    await mesh.createRoute({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'canary-header',
      spec: {
        priority: 1,
        httpRoute: {
          match: { prefix: '/', headers: [{ name: 'x-canary', match: { exact: 'yes' } }] },
          action: { weightedTargets: [{ virtualNode: 'colorteller-canary', weight: 1 }] },
        },
      },
    });
    const log = git(run.repo, ['log', '-p', '-2', '--format=commit %h%nAuthor: %an <%ae>%n%n    %s%n']);
    console.log(`api-e2e: git log -p -2\n${log}`);
    expect(log).toContain('CreateRoute Route colorapp/colorteller/canary-header');
    expect(log).toContain('CreateVirtualNode VirtualNode colorapp/colorteller-canary');
    expect(log).toContain('+++ b/appmesh-api/colorapp/route-colorteller-canary-header.yaml');
    expect(log).toContain('+++ b/appmesh-api/colorapp/virtual-node-colorteller-canary.yaml');
    // only the two new files, nothing else touched
    expect(git(run.repo, ['diff', '--stat', 'HEAD~2', 'HEAD']).split('\n')).toHaveLength(3);
    expect(log).toContain('+kind: Route');
    expect(log).toContain('+  virtualRouter: colorteller');
  });

  it('two writers racing on the same route: both land in order, nothing lost', async () => {
    const before = head();
    const a = sdk(endpoint, PIPELINE, REGION);
    const b = sdk(endpoint, OTHER, REGION);
    const input = (red: number, blue: number) => ({
      meshName: 'colorapp',
      virtualRouterName: 'colorteller',
      routeName: 'colors',
      spec: canarySpec(red, blue),
    });
    const results = await Promise.allSettled([a.updateRoute(input(30, 70)), b.updateRoute(input(70, 30))]);
    const landed = results.filter((r) => r.status === 'fulfilled');
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictException);
    }
    const commits = git(run.repo, ['rev-list', '--first-parent', `${before}..HEAD`])
      .split('\n')
      .reverse();
    expect(commits).toHaveLength(landed.length);
    // each commit is the child of the previous one: no write was computed on a stale head
    for (let i = 1; i < commits.length; i++)
      expect(git(run.repo, ['rev-parse', `${commits[i]}~1`])).toBe(commits[i - 1]);
    const versions = landed.map(
      (r) =>
        (r as PromiseFulfilledResult<{ route?: { metadata?: { version?: number } } }>).value.route?.metadata
          ?.version,
    );
    expect(new Set(versions).size).toBe(landed.length);
    const last = (await a.describeRoute(input(0, 0))).route;
    const authors = git(run.repo, ['log', '--format=%an', `${before}..HEAD`]).split('\n');
    expect(authors.sort()).toEqual(landed.length === 2 ? ['Canary Pipeline', 'Operator'] : authors.sort());
    // the final state is the last commit's, and the last commit's is one of the two writes
    const lastWeights = last?.spec?.httpRoute?.action?.weightedTargets?.map((t) => t.weight);
    expect([
      [30, 70, 0],
      [70, 30, 0],
    ]).toContainEqual(lastWeights);
    expect(git(run.repo, ['show', `HEAD:mesh/colorteller.yaml`])).toContain(`weight: ${lastWeights?.[0]}`);
  });

  it('the SDK gets BadRequestException with the file:line message for an invalid spec', async () => {
    const err = await sdk(endpoint, PIPELINE, REGION)
      .updateRoute({
        meshName: 'colorapp',
        virtualRouterName: 'colorteller',
        routeName: 'colors',
        spec: canarySpec(1000, 0),
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect(err.$metadata.httpStatusCode).toBe(400);
  });
});
