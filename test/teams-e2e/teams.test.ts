/**
 * Many teams, one mesh, real parts: three sources (two git work trees and a remote repository served by the
 * real `git http-backend`), the operators' config file with ownership rules, real Envoys carrying
 * gateway (platform) → front (team-front) → colorteller (team-color). A broken commit in one team's repo is
 * refused for that team while the others' next commits reach their proxies; an ownership violation and a
 * deletion another team depends on are refused with file:line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConvergedEvent, Daemon, StatusDocument } from '@plexus/daemon';
import { commitAll, git, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKey, tally, tallySettlesOn } from '../../scripts/demo/local-mesh.ts';
import { FRONT_ACCOUNT, PROXIES, removeWorkDir, startTeamsMesh, type TeamsMesh } from './teams-mesh.ts';

// Generous for a loaded 2-core machine; the figures measured are printed.
const REACH_MS = 5000;

let workDir: string;
let mesh: TeamsMesh;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'plexus-teams-e2e-'));
  mesh = await startTeamsMesh(workDir, pino({ level: 'warn' }));
});

afterAll(async () => {
  await mesh?.stop();
  removeWorkDir(workDir);
});

const source = (s: StatusDocument, name: string) => s.sources!.find((x) => x.name === name)!;

/**
 * Resolves when the union carrying `sha` of `name` has been ACKed by every proxy it changed: ms from `t0`
 * (before the commit) and the proxies. Set up right after the commit, before the daemon can see it.
 */
function reached(
  d: Daemon,
  name: string,
  sha: string,
  t0: number,
): Promise<{ ms: number; proxies: string[]; revision: string }> {
  return new Promise((resolve) => {
    const ids = new Set<string>();
    const unsubscribe = d.channels.revisions.subscribe((rev) => {
      if (rev.change?.source === name && rev.change.revision === sha) ids.add(rev.id);
    });
    const on = (e: ConvergedEvent) => {
      if (!ids.has(e.revision)) return;
      unsubscribe();
      d.status.off('converged', on);
      resolve({ ms: Date.now() - t0, proxies: e.proxies, revision: e.revision });
    };
    d.status.on('converged', on);
  });
}

/**
 * Every proxy on the path gateway → front → colorteller runs `revision` with nothing NACKed, then the
 * gateway's traffic settles on `color` alone and stays there for the next tally.
 */
async function trafficMovesTo(revision: string, color: string, n = 20): Promise<void> {
  await waitFor(
    async () => {
      const s = await mesh.status();
      return PROXIES.every((key) => {
        const p = s.proxies.find((x) => x.node === key);
        return p?.connected && p.revision === revision && Object.keys(p.nacked).length === 0;
      });
    },
    { timeoutMs: 30_000, what: `every proxy on the path to ACK ${revision.slice(0, 8)}` },
  );
  expect(await tallySettlesOn(mesh.ports.gateway, [color], { n })).toEqual({ [color]: n });
  expect(await tally(mesh.ports.gateway, n)).toEqual({ [color]: n });
}

const colorFile = () => join(mesh.color.clone.dir, 'mesh/colorteller.yaml');
const frontFile = () => join(mesh.front, 'mesh/front.yaml');

function weights(w: [number, number, number]): void {
  let i = 0;
  writeFileSync(
    colorFile(),
    readFileSync(colorFile(), 'utf8').replace(/weight: \d+/g, () => `weight: ${w[i++]}`),
  );
}

async function pushColor(message: string): Promise<{ sha: string; t0: number }> {
  const t0 = Date.now();
  const sha = mesh.color.clone.commit(message);
  return { sha, t0 };
}

async function untilRefused(name: string, sha: string) {
  await waitFor(async () => source(await mesh.status(), name).revision.error?.revision === sha, {
    timeoutMs: 30_000,
    what: `${name}'s ${sha.slice(0, 8)} to be refused`,
  });
  return source(await mesh.status(), name).revision.error!;
}

describe('several teams on one mesh', () => {
  it("serves the union of the three teams' sources; traffic crosses the team boundaries", async () => {
    const s = await mesh.status();
    expect(s.sources!.map((x) => [x.name, x.owner, x.revision.error])).toEqual([
      ['platform', 'platform', null],
      ['team-front', FRONT_ACCOUNT, null],
      ['team-color', 'team-color', null],
    ]);
    expect(s.sources!.every((x) => x.revision.applied !== null)).toBe(true);
    expect(s.revision.applied).toMatch(/^[0-9a-f]{40}$/);
    expect(s.proxies.map((p) => p.node).sort()).toEqual([...PROXIES].sort());
    const counts = await tally(mesh.ports.gateway, 30);
    expect(Object.keys(counts).sort()).toEqual(['blue', 'green', 'red']);
    // Each resource knows its source (as the console shows it).
    const g = (await (
      await fetch(`http://127.0.0.1:${mesh.daemon.httpPort}/api/v1/console/graph`)
    ).json()) as { nodes: Array<{ name: string; fromSource?: string; source: string }> };
    const from = Object.fromEntries(g.nodes.map((n) => [n.name, n.fromSource]));
    expect(from).toMatchObject({
      'ingress-gw': 'platform',
      front: 'team-front',
      'colorteller-red': 'team-color',
      colorteller: 'team-color',
    });
    expect(g.nodes.find((n) => n.name === 'front')!.source).toMatch(/^team-front\/front\.yaml:\d+$/);
  });

  it("team-color's pushed commit moves the traffic", async () => {
    weights([0, 0, 1]);
    const { sha, t0 } = await pushColor('all to green');
    const done = reached(mesh.daemon, 'team-color', sha, t0);
    await mesh.color.clone.push();
    const r = await done;
    console.log(`teams-e2e: team-color push → ${r.proxies.length} proxies ACKed in ${r.ms} ms`);
    await trafficMovesTo(r.revision, 'green');
  });

  it("a broken commit in team-front is refused for team-front; team-color's next push still reaches the proxies", async () => {
    writeFileSync(
      frontFile(),
      readFileSync(frontFile(), 'utf8').replace(/port: (\d+)\n(\s+protocol)/, 'port: 99999\n$2'),
    );
    const line =
      readFileSync(frontFile(), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('99999')) + 1;
    const bad = commitAll(mesh.front, 'broken: port out of range');
    const err = await untilRefused('team-front', bad);
    expect(err).toMatchObject({ source: 'team-front', stage: 'load', file: 'team-front/front.yaml', line });
    expect(err.errors.join('\n')).toContain(`team-front/front.yaml:${line}:`);
    // The console's history for team-front lists the refused commit; team-color's history does not.
    const history = async (name: string) =>
      (await (
        await fetch(`http://127.0.0.1:${mesh.daemon.httpPort}/api/v1/console/revisions?source=${name}`)
      ).json()) as Array<{ source?: string; sourceRevision?: string; outcome: string; subject?: string }>;
    expect((await history('team-front'))[0]).toMatchObject({
      source: 'team-front',
      sourceRevision: bad,
      outcome: 'refused',
      subject: 'broken: port out of range',
      error: { stage: 'load', file: 'team-front/front.yaml', line },
    });
    expect((await history('team-color')).every((r) => r.source === 'team-color')).toBe(true);
    expect((await history('team-color')).some((r) => r.sourceRevision === bad)).toBe(false);

    weights([0, 1, 0]);
    const { sha, t0 } = await pushColor('all to blue, while team-front is broken');
    const done = reached(mesh.daemon, 'team-color', sha, t0);
    await mesh.color.clone.push();
    const r = await done;
    console.log(
      `teams-e2e: team-front broken; team-color push → ${r.proxies.length} proxies ACKed in ${r.ms} ms`,
    );
    expect(r.ms).toBeLessThan(REACH_MS);
    await trafficMovesTo(r.revision, 'blue');
    const s = await mesh.status();
    expect(source(s, 'team-front').revision.error?.revision).toBe(bad);
    expect(source(s, 'team-color').revision).toMatchObject({ applied: sha, error: null });
    expect(s.revision.error).toMatchObject({ source: 'team-front' });
    const metrics = await (await fetch(`http://127.0.0.1:${mesh.daemon.httpPort}/metrics`)).text();
    expect(metrics).toContain('plexus_source_refused{source="team-front"} 1');
    expect(metrics).toContain(`plexus_source_applied_revision_info{source="team-color",revision="${sha}"} 1`);

    git(mesh.front, ['revert', '--no-edit', 'HEAD']);
    const fixed = git(mesh.front, ['rev-parse', 'HEAD']).trim();
    await waitFor(async () => source(await mesh.status(), 'team-front').revision.applied === fixed, {
      timeoutMs: 30_000,
      what: "team-front's fix to apply",
    });
    expect((await mesh.status()).revision.error).toBeNull();
  });

  it("a broken push to team-color is refused for team-color; team-front's next commit reaches front's Envoy", async () => {
    weights([1000, 0, 0]);
    const { sha: bad } = await pushColor('broken: weight out of range');
    await mesh.color.clone.push();
    const err = await untilRefused('team-color', bad);
    expect(err.file).toBe('team-color/colorteller.yaml');
    expect(err.field).toContain('weightedTargets[0].weight');
    expect(await tally(mesh.ports.gateway, 10)).toEqual({ blue: 10 });

    writeFileSync(
      frontFile(),
      readFileSync(frontFile(), 'utf8').replace(
        '    - portMapping:\n',
        '    - timeout: { http: { perRequest: { unit: s, value: 7 } } }\n      portMapping:\n',
      ),
    );
    const t0 = Date.now();
    const sha = commitAll(mesh.front, 'front: 7 s per-request timeout');
    const r = await reached(mesh.daemon, 'team-front', sha, t0);
    console.log(
      `teams-e2e: team-color broken; team-front commit → ${r.proxies.length} proxies ACKed in ${r.ms} ms`,
    );
    expect(r.ms).toBeLessThan(REACH_MS);
    expect(r.proxies).toContain(nodeKey('front'));
    expect(await frontEnvoyHas('"timeout": "7s"')).toBe(true);
    expect(source(await mesh.status(), 'team-color').revision.error?.revision).toBe(bad);

    git(mesh.color.clone.dir, ['revert', '--no-edit', 'HEAD']);
    await mesh.color.clone.push();
    const fixed = git(mesh.color.clone.dir, ['rev-parse', 'HEAD']).trim();
    await waitFor(async () => source(await mesh.status(), 'team-color').revision.applied === fixed, {
      timeoutMs: 30_000,
      what: "team-color's fix to apply",
    });
  });

  it("team-color deleting the service team-front's node uses is refused, naming team-front's node", async () => {
    const text = readFileSync(colorFile(), 'utf8');
    const docs = text.split(/^---\n/m);
    writeFileSync(colorFile(), docs.filter((d) => !d.includes('kind: VirtualService')).join('---\n'));
    const { sha: bad } = await pushColor('drop the colorteller service');
    await mesh.color.clone.push();
    const err = await untilRefused('team-color', bad);
    expect(err.message).toBe(
      "source team-color: the change breaks resources other sources depend on: team-front's VirtualNode colorapp/front",
    );
    expect(err.errors.join('\n')).toMatch(/team-front\/front\.yaml:\d+:\d+: VirtualNode colorapp\/front: /);
    expect(await tally(mesh.ports.gateway, 10)).toEqual({ blue: 10 });
    git(mesh.color.clone.dir, ['revert', '--no-edit', 'HEAD']);
    await mesh.color.clone.push();
  });

  it("team-front may not define team-color's resources: refused at file:line naming the rule", async () => {
    writeFileSync(
      join(mesh.front, 'mesh/steal.yaml'),
      'apiVersion: plexus/v1\nkind: VirtualNode\nmetadata:\n  name: colorteller-evil\n  mesh: colorapp\nspec: {}\n',
    );
    const bad = commitAll(mesh.front, 'take over a colorteller name');
    const err = await untilRefused('team-front', bad);
    const ruleLine =
      readFileSync(mesh.configFile, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(`- owner: "${FRONT_ACCOUNT}"`)) + 1;
    expect(err.errors).toEqual([
      `team-front/steal.yaml:1:1: VirtualNode colorapp/colorteller-evil: owner '${FRONT_ACCOUNT}' (source team-front) may not define VirtualNode 'colorteller-evil' in mesh 'colorapp': rule ${mesh.configFile}:${ruleLine}:11 (ownership.meshes[0].members[0]) allows VirtualNode front, VirtualService front.colorapp.local`,
    ]);
    expect(await tally(mesh.ports.gateway, 10)).toEqual({ blue: 10 });
  });
});

/** True when front's Envoy runs config containing `text` (its admin config dump). */
async function frontEnvoyHas(text: string): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${mesh.ports.admin[nodeKey('front')]}/config_dump`);
  return (await res.text()).includes(text);
}
