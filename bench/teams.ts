/**
 * bench:teams — commit → every affected proxy ACKed, with the same mesh held by 10 sources (a platform repo
 * with the Mesh and 9 team repos) or by 1 source. 18 virtual nodes with a virtual service each, every node a
 * raw ADS client that ACKs like Envoy; each round commits a listener timeout change of one node in one git
 * work tree. Writes bench/results/teams.json and its BENCHMARKS.md table (`--no-write`: print only).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConvergedEvent, type Daemon, type SourceConfig, startDaemon } from '@plexus/daemon';
import { AdsClient, commitAll, initRepo, type SotwAdsStream, XdsTypes } from '@plexus/testkit';
import { pino } from 'pino';
import { machine } from './scale/proc-stats.ts';
import { type Figure, printFigures, spread, updateBenchmarksMd, writeResults } from './scale/report.ts';

const { values } = parseArgs({
  options: { commits: { type: 'string', default: '15' }, 'no-write': { type: 'boolean' } },
});
const COMMITS = Number(values.commits);
const TEAMS = 9;
const NODES_PER_TEAM = 2;
const command = `npm run bench:teams -- --commits ${COMMITS}`;

const nodeName = (t: number, i: number) => `svc-${t}-${i}`;
const nodeYaml = (t: number, i: number, timeout: number) => `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${nodeName(t, i)}, mesh: bench }
spec:
  listeners:
    - portMapping: { port: ${8000 + t * 10 + i}, protocol: http }
      timeout: { http: { perRequest: { unit: s, value: ${timeout} } } }
  serviceDiscovery: { static: { endpoints: [{ address: 127.0.0.${t + 1} }] } }
  backends:
    - virtualService: { virtualServiceName: ${nodeName((t + 1) % TEAMS, i)}.bench.local }
---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${nodeName(t, i)}.bench.local, mesh: bench }
spec: { provider: { virtualNode: { virtualNodeName: ${nodeName(t, i)} } } }
`;
const MESH = 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: bench }\nspec: {}\n';

/** Repos under `root`: 10 (platform + one per team) or 1 holding everything; returns the file of team t. */
function writeRepos(
  root: string,
  split: boolean,
): { sources: SourceConfig[]; fileOf: (t: number) => string; repoOf: (t: number) => string } {
  const repoDir = (name: string) => {
    const d = join(root, name);
    mkdirSync(join(d, 'mesh'), { recursive: true });
    initRepo(d);
    return d;
  };
  const platform = repoDir(split ? 'platform' : 'all');
  writeFileSync(join(platform, 'mesh/mesh.yaml'), MESH);
  const repos: string[] = [];
  for (let t = 0; t < TEAMS; t++) {
    const d = split ? repoDir(`team-${t}`) : platform;
    repos.push(d);
    for (let i = 0; i < NODES_PER_TEAM; i++)
      writeFileSync(join(d, `mesh/team-${t}-${i}.yaml`), nodeYaml(t, i, 5));
    if (split) commitAll(d, `team ${t}`);
  }
  commitAll(platform, 'platform');
  const sources = split
    ? [platform, ...repos].map((repo, k) => ({
        name: k === 0 ? 'platform' : `team-${k - 1}`,
        repo,
        path: 'mesh',
      }))
    : [{ name: 'all', repo: platform, path: 'mesh' }];
  return { sources, fileOf: (t) => join(repos[t]!, `mesh/team-${t}-0.yaml`), repoOf: (t) => repos[t]! };
}

function envoyLike(d: Daemon, client: AdsClient, key: string): SotwAdsStream {
  const s = client.sotw({ id: key, cluster: 'bench' });
  const namesFor = (typeUrl: string) => {
    const config = d.channels.configs.latest()?.configs.get(key);
    const list = (typeUrl === XdsTypes.route ? config?.routes : config?.endpoints) ?? [];
    return list.map(
      (r) =>
        (r as { name?: string; cluster_name?: string }).name ??
        (r as { cluster_name?: string }).cluster_name ??
        '',
    );
  };
  const subscribed = new Map<string, string>();
  const follow = (typeUrl: string) => {
    const names = namesFor(typeUrl);
    if (subscribed.get(typeUrl) === names.join(',')) return;
    subscribed.set(typeUrl, names.join(','));
    s.request({ typeUrl, names });
  };
  s.onResponse((r) => {
    s.ack(r, r.typeUrl === XdsTypes.route || r.typeUrl === XdsTypes.endpoint ? namesFor(r.typeUrl) : []);
    if (r.typeUrl === XdsTypes.listener) follow(XdsTypes.route);
    if (r.typeUrl === XdsTypes.cluster) follow(XdsTypes.endpoint);
  });
  s.request({ typeUrl: XdsTypes.cluster, withNode: true });
  s.request({ typeUrl: XdsTypes.listener });
  return s;
}

async function run(split: boolean): Promise<{ ms: number[]; affected: number[] }> {
  const root = mkdtempSync(join(tmpdir(), 'plexus-bench-teams-'));
  const repos = writeRepos(root, split);
  const daemon = await startDaemon({
    sources: repos.sources,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    telemetry: { enabled: false },
    console: { enabled: false },
    logger: pino({ level: 'warn' }),
  });
  const client = new AdsClient(`127.0.0.1:${daemon.xdsPort}`, {}, { decode: false });
  const keys = Array.from(
    { length: TEAMS * NODES_PER_TEAM },
    (_, k) => `mesh/bench/virtualNode/${nodeName(Math.floor(k / NODES_PER_TEAM), k % NODES_PER_TEAM)}`,
  );
  const streams = keys.map((k) => envoyLike(daemon, client, k));
  const deadline = Date.now() + 30_000;
  while (
    daemon.status.document().proxies.filter((p) => p.connected && Object.keys(p.acked).length >= 2).length <
    keys.length
  ) {
    if (Date.now() > deadline) throw new Error('proxies did not connect');
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms: number[] = [];
  const affected: number[] = [];
  for (let round = 0; round < COMMITS + 2; round++) {
    const t = round % TEAMS;
    writeFileSync(repos.fileOf(t), nodeYaml(t, 0, 6 + round));
    const t0 = Date.now();
    const sha = commitAll(repos.repoOf(t), `round ${round}`);
    const e = await new Promise<ConvergedEvent>((resolve, reject) => {
      const ids = new Set<string>();
      const un = daemon.channels.revisions.subscribe((rev) => {
        if (rev.change?.revision === sha) ids.add(rev.id);
      });
      const timer = setTimeout(() => reject(new Error(`no convergence for ${sha}`)), 15_000);
      const on = (c: ConvergedEvent) => {
        if (!ids.has(c.revision)) return;
        clearTimeout(timer);
        un();
        daemon.status.off('converged', on);
        resolve(c);
      };
      daemon.status.on('converged', on);
    });
    if (round < 2) continue;
    ms.push(Date.now() - t0);
    affected.push(e.proxies.length);
  }
  for (const s of streams) s.close();
  client.close();
  await daemon.stop();
  rmSync(root, { recursive: true, force: true });
  return { ms, affected };
}

const load0 = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const ten = await run(true);
const one = await run(false);
const load1 = loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const proxies = TEAMS * NODES_PER_TEAM;
const figures: Figure[] = [
  { figure: `commit → affected ACK, 10 sources (${proxies} proxies)`, unit: 'ms', ...spread(ten.ms) },
  { figure: `commit → affected ACK, 1 source (${proxies} proxies)`, unit: 'ms', ...spread(one.ms) },
  {
    figure: '10 sources / 1 source (median)',
    unit: '×',
    min: spread(ten.ms).median / spread(one.ms).median,
    median: spread(ten.ms).median / spread(one.ms).median,
    max: spread(ten.ms).median / spread(one.ms).median,
    samples: 1,
    single: true,
  },
];
printFigures(figures);
console.log(
  `  affected proxies per commit: 10 sources ${Math.min(...ten.affected)}..${Math.max(...ten.affected)}, 1 source ${Math.min(...one.affected)}..${Math.max(...one.affected)}`,
);
if (!values['no-write']) {
  const path = writeResults('teams', {
    command,
    machine: machine(),
    loadAverage: { start: load0, end: load1 },
    date: new Date().toISOString(),
    figures,
    raw: { ten, one },
  });
  updateBenchmarksMd(
    'Several sources: commit → affected ACK, 10 sources vs 1',
    command,
    machine(),
    figures,
    `The same mesh (1 Mesh, ${proxies} virtual nodes with a virtual service each, backends across teams) held by 10 ` +
      `git work trees (platform + 9 teams) or by 1; ${proxies} raw ADS clients ACK like Envoy. Each round commits a ` +
      `listener timeout change in one team's tree; time from before \`git commit\` to every affected proxy ACKing the ` +
      `union that carries it. ${COMMITS} rounds after 2 warm-up; load average ${load0} → ${load1} (machine shared). ` +
      'Raw: bench/results/teams.json.',
  );
  console.log(`wrote ${path} and BENCHMARKS.md`);
}
process.exit(0);
