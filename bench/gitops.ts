/**
 * bench:gitops — commit → every affected proxy ACKed, for examples/colorapp with 10 proxies (5 identities × 2
 * replicas, raw SotW ADS clients that ACK like Envoy). Each round commits new route weights with the git CLI and
 * waits for the daemon's convergence event for that SHA. Goal p50 ≤ 100 ms. Writes bench/results/gitops.json
 * and its BENCHMARKS.md table.
 *   npm run bench:gitops [-- --commits 30] [--no-write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConvergedEvent, startDaemon } from '@plexus/daemon';
import { AdsClient, type SotwAdsStream, type SotwResponse, XdsTypes } from '@plexus/testkit';
import { pino } from 'pino';
import { EXAMPLE_DIR, freePorts } from '../scripts/demo/colorapp.ts';
import {
  commitAll,
  GATEWAY_KEY,
  initRepo,
  localizeMesh,
  nodeKey,
  setWeights,
  sidecarPorts,
} from '../scripts/demo/local-mesh.ts';
import { loadAverage, machine } from './scale/proc-stats.ts';
import { commandLine, pooledTail, publish, spread } from './scale/report.ts';

const { values } = parseArgs({
  options: { commits: { type: 'string', default: '25' }, 'no-write': { type: 'boolean', default: false } },
});
const COMMITS = Number(values.commits);
const REPLICAS = 2;

const workDir = mkdtempSync(join(tmpdir(), 'plexus-bench-gitops-'));
const repo = join(workDir, 'repo');
const ports = await freePorts();
initRepo(repo);
localizeMesh(EXAMPLE_DIR, join(repo, 'mesh'), ports);
commitAll(repo, 'colorapp');

const daemon = await startDaemon({
  repo,
  xdsListen: '127.0.0.1:0',
  httpListen: '127.0.0.1:0',
  builtinPlugins: ['@plexus/discovery-static'],
  translateOptions: sidecarPorts(ports),
  logger: pino({ level: 'warn' }),
});

/** Names a proxy subscribes to for RDS/EDS, as its config names them (what Envoy would ask for). */
function namesFor(key: string, typeUrl: string): string[] {
  const config = daemon.channels.configs.latest()?.configs.get(key);
  const list = (typeUrl === XdsTypes.route ? config?.routes : config?.endpoints) ?? [];
  return list.map((r) => {
    const o = r as { name?: string; cluster_name?: string };
    return o.name ?? o.cluster_name ?? '';
  });
}

/** Envoy-like: wildcard LDS/CDS, then RDS/EDS by name; ACKs every response. */
function envoyLike(client: AdsClient, key: string, id: number): SotwAdsStream {
  const s = client.sotw({ id: key, cluster: `replica-${id}` });
  const subscribed = new Map<string, string>();
  const follow = (typeUrl: string) => {
    const names = namesFor(key, typeUrl);
    const sig = names.join(',');
    if (subscribed.get(typeUrl) === sig) return;
    subscribed.set(typeUrl, sig);
    s.request({ typeUrl, names });
  };
  s.onResponse((r: SotwResponse) => {
    const names =
      r.typeUrl === XdsTypes.route || r.typeUrl === XdsTypes.endpoint ? namesFor(key, r.typeUrl) : [];
    s.ack(r, names);
    if (r.typeUrl === XdsTypes.listener) follow(XdsTypes.route);
    if (r.typeUrl === XdsTypes.cluster) follow(XdsTypes.endpoint);
  });
  s.request({ typeUrl: XdsTypes.cluster, withNode: true });
  s.request({ typeUrl: XdsTypes.listener });
  return s;
}

const keys = [
  GATEWAY_KEY,
  nodeKey('front'),
  nodeKey('colorteller-red'),
  nodeKey('colorteller-blue'),
  nodeKey('colorteller-green'),
];
const client = new AdsClient(`127.0.0.1:${daemon.xdsPort}`, {}, { decode: false });
const streams = keys.flatMap((k) => Array.from({ length: REPLICAS }, (_, i) => envoyLike(client, k, i)));
const proxyCount = streams.length;

const emittedAt = new Map<string, number>();
daemon.channels.revisions.subscribe((r) => emittedAt.set(r.id, Date.now()));
const converged = new Map<string, ConvergedEvent>();
const waiters = new Map<string, (e: ConvergedEvent) => void>();
daemon.status.on('converged', (e) => {
  converged.set(e.revision, e);
  waiters.get(e.revision)?.(e);
});
const convergedFor = (sha: string) =>
  new Promise<ConvergedEvent>((resolve, reject) => {
    const done = converged.get(sha);
    if (done) return resolve(done);
    const t = setTimeout(() => reject(new Error(`no convergence for ${sha} in 10 s`)), 10_000);
    waiters.set(sha, (e) => {
      clearTimeout(t);
      resolve(e);
    });
  });

// Let all 10 streams connect and ACK the first revision.
const deadline = Date.now() + 15_000;
while (
  daemon.status.document().proxies.filter((p) => p.connected && Object.keys(p.acked).length >= 2).length <
  proxyCount
) {
  if (Date.now() > deadline) throw new Error('proxies did not connect');
  await new Promise((r) => setTimeout(r, 50));
}

const load0 = loadAverage();
const routeFile = join(repo, 'mesh/colorteller.yaml');
const endToEnd: number[] = [];
const internal: number[] = [];
const affected: number[] = [];
for (let i = 0; i < COMMITS + 2; i++) {
  setWeights(routeFile, { red: 1 + (i % 5), blue: 1 + ((i * 3) % 7), green: 1 });
  const sha = commitAll(repo, `weights round ${i}`);
  const committedAt = Date.now();
  const e = await convergedFor(sha);
  const now = Date.now();
  if (i < 2) continue; // warm-up
  endToEnd.push(now - committedAt);
  internal.push(now - (emittedAt.get(sha) ?? now));
  affected.push(e.proxies.length);
}

const load1 = loadAverage();
/** "1 identity", "2–3 identities": how many identities the commits touched. */
function identitiesPerCommit(counts: number[]): string {
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  return `${lo === hi ? lo : `${lo}–${hi}`} ${hi === 1 ? 'identity' : 'identities'}`;
}
publish(
  {
    name: 'gitops',
    title: 'GitOps loop: npm run bench:gitops',
    command: commandLine('bench:gitops'),
    note:
      `examples/colorapp with ${proxyCount} raw ADS proxies (5 identities × ${REPLICAS} replicas); \`git commit\` of ` +
      `new weights → every affected proxy ACKed (${identitiesPerCommit(affected)} per commit), ${endToEnd.length} ` +
      `commits after 2 warm-up; load average ${load0} → ${load1}. Goal p50 ≤ 100 ms. ` +
      'Raw: bench/results/gitops.json.',
    figures: [
      { figure: 'commit → affected proxies ACKed', unit: 'ms', goal: 'p50 ≤ 100', ...spread(endToEnd) },
      pooledTail('commit → affected proxies ACKed', 'ms', endToEnd),
      { figure: 'daemon part only: source emits → ACKed', unit: 'ms', ...spread(internal) },
    ],
    loadAverage: { start: load0, end: load1 },
    raw: { endToEnd, internal, affected },
  },
  machine(),
);

for (const s of streams) s.close();
client.close();
await daemon.stop();
rmSync(workDir, { recursive: true, force: true });
