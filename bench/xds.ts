/**
 * npm run bench:xds [-- --clients 100,1000 --runs 3 --procs 4 --clusters 50]
 *
 * N raw ADS clients (SotW, gRPC-style named subscriptions to LDS/RDS/CDS/EDS) spread over child processes,
 * all subscribed; one change (a cluster, its endpoints and the route) pushed; time until every client has
 * ACKed all three changed types, with the server's CPU and RSS. The floor: a bare gRPC loop writing the same
 * response bytes to the same clients and counting their ACKs. Writes bench/results/xds.json and its
 * BENCHMARKS.md table (min/median/max over the runs); --no-write prints only.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { AdsClient, apiListener, edsCluster, loadAssignment, weightedRoute, XdsTypes } from '@plexus/testkit';
import { envoyRoot, TypeUrl, XdsServer } from '@plexus/xds';
import { ResourceCache } from '../packages/xds/src/resource-cache.ts';
import { encodeSotwResponse } from '../packages/xds/src/wire.ts';
import { adsBytesService } from './floor/ads-bytes-service.ts';
import { loadAverage, machine } from './scale/proc-stats.ts';
import { commandLine, type Figure, publish, spread } from './scale/report.ts';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

const CHANGED = [XdsTypes.cluster, XdsTypes.endpoint, XdsTypes.route];

function meshConfig(clusters: number, round: number) {
  const names = Array.from({ length: clusters }, (_, i) => `svc-${i}.bench.svc.cluster.local`);
  return {
    names,
    config: {
      listeners: [apiListener('front', 'front-route')],
      routes: [
        weightedRoute(
          'front-route',
          ['*'],
          [
            [names[0], 90 - round],
            [names[1], 10 + round],
          ],
        ),
      ],
      clusters: names.map((n, i) => edsCluster(n, i === 0 ? { connectTimeout: `${round + 1}s` } : {})),
      endpoints: names.map((n, i) =>
        loadAssignment(n, [
          { host: `10.0.${i % 250}.${(round % 250) + 1}`, port: 8080 },
          { host: `10.1.${i % 250}.1`, port: 8080 },
        ]),
      ),
    },
  };
}

// ---------- child: load clients ----------
async function child(address: string, from: number, count: number, keys: number, names: string[]) {
  let ready = 0;
  let acks = 0;
  for (let i = from; i < from + count; i++) {
    const c = new AdsClient(address, { 'grpc.use_local_subchannel_pool': 1 }, { decode: false });
    const s = c.sotw({ id: `mesh/bench/virtualNode/n${i % keys}` });
    const subs: Record<string, string[]> = {
      [XdsTypes.listener]: ['front'],
      [XdsTypes.route]: ['front-route'],
      [XdsTypes.cluster]: names,
      [XdsTypes.endpoint]: names,
    };
    const seen = new Set<string>();
    s.onResponse((r) => {
      s.ack(r, subs[r.typeUrl]);
      if (seen.size < 4) {
        seen.add(r.typeUrl);
        if (seen.size === 4 && ++ready === count) process.send!({ ready: true });
      } else if (++acks % 50 === 0) process.send!({ acks: 50 });
    });
    for (const t of Object.keys(subs)) s.request({ typeUrl: t, names: subs[t] });
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20)); // do not open 1,000 connections at once
  }
}

// ---------- parent ----------
interface Sample {
  ms: number;
  cpuMs: number;
  rssMb: number;
}

function spawnClients(address: string, n: number, procs: number, keys: number, names: string[]) {
  const per = Math.ceil(n / procs);
  const kids = [];
  for (let p = 0; p < procs; p++) {
    const count = Math.min(per, n - p * per);
    if (count <= 0) break;
    kids.push(
      fork(self, ['--child', address, String(p * per), String(count), String(keys), JSON.stringify(names)], {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }
  return kids;
}

async function waitReady(kids: ReturnType<typeof fork>[]) {
  await Promise.all(
    kids.map((k) => new Promise<void>((r) => k.on('message', (m: { ready?: boolean }) => m.ready && r()))),
  );
}

async function measure(push: () => void, done: () => boolean): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  push();
  while (!done()) await new Promise((r) => setImmediate(r));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 1e6 };
}

async function runPlexus(n: number, procs: number, keys: number, clusters: number): Promise<Sample> {
  const xds = new XdsServer({ resolveProxy: (node) => node.id });
  const port = await xds.listen('127.0.0.1:0');
  const { names, config } = meshConfig(clusters, 0);
  for (let k = 0; k < keys; k++) xds.setProxyConfig(`mesh/bench/virtualNode/n${k}`, config);
  const kids = spawnClients(`127.0.0.1:${port}`, n, procs, keys, names);
  await waitReady(kids);
  await new Promise((r) => setTimeout(r, 300));
  // count each (stream, changed type) once, when it ACKs a version other than the one it had
  const before = new Map(xds.status().map((st) => [st.streamId, st.acked]));
  const counted = new Set<string>();
  let acks = 0;
  xds.on('ack', (e) => {
    if (!CHANGED.includes(e.typeUrl) || before.get(e.streamId)?.[e.typeUrl] === e.version) return;
    const k = `${e.streamId} ${e.typeUrl}`;
    if (!counted.has(k)) {
      counted.add(k);
      acks++;
    }
  });
  const next = meshConfig(clusters, 1).config;
  const sample = await measure(
    () => {
      for (let k = 0; k < keys; k++) xds.setProxyConfig(`mesh/bench/virtualNode/n${k}`, next);
    },
    () => acks >= n * CHANGED.length,
  );
  for (const k of kids) k.kill();
  await xds.shutdown(200);
  return sample;
}

/** The floor: the same response bytes written to the same clients by a bare grpc-js loop. */
async function runFloor(n: number, procs: number, keys: number, clusters: number): Promise<Sample> {
  envoyRoot();
  const cache = new ResourceCache();
  const encode = (round: number) => {
    const { config } = meshConfig(clusters, round);
    const any = (t: string, list: object[]) =>
      list.map((j) => cache.entryFor(t, j as Record<string, unknown>).any);
    return {
      [TypeUrl.Listener]: any(TypeUrl.Listener, config.listeners),
      [TypeUrl.RouteConfiguration]: any(TypeUrl.RouteConfiguration, config.routes),
      [TypeUrl.Cluster]: any(TypeUrl.Cluster, config.clusters),
      [TypeUrl.ClusterLoadAssignment]: any(TypeUrl.ClusterLoadAssignment, config.endpoints),
    } as Record<string, Uint8Array[]>;
  };
  const initial = encode(0);
  const next = encode(1);
  const streams: ServerDuplexStream<Buffer, Buffer>[] = [];
  let acks = 0;
  let nonce = 0;
  const pushNonces = new Set<string>();
  const server = new Server();
  server.addService(adsBytesService(), {
    StreamAggregatedResources: (call: ServerDuplexStream<Buffer, Buffer>) => {
      streams.push(call);
      call.on('data', (req: { type_url: string; response_nonce: string }) => {
        if (!req.response_nonce) {
          call.write(encodeSotwResponse('v0', req.type_url, String(++nonce), initial[req.type_url]));
        } else if (pushNonces.has(req.response_nonce)) acks++;
      });
      call.on('error', () => {});
    },
  });
  const port = await new Promise<number>((r, j) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))),
  );
  const { names } = meshConfig(clusters, 0);
  const kids = spawnClients(`127.0.0.1:${port}`, n, procs, keys, names);
  await waitReady(kids);
  await new Promise((r) => setTimeout(r, 300));
  const sample = await measure(
    () => {
      for (const call of streams) {
        for (const t of CHANGED) {
          const nn = String(++nonce);
          pushNonces.add(nn);
          call.write(encodeSotwResponse('v1', t, nn, next[t]));
        }
      }
    },
    () => acks >= n * CHANGED.length,
  );
  for (const k of kids) k.kill();
  for (const s of streams) s.end();
  server.forceShutdown();
  return sample;
}

async function main() {
  const sizes = arg('clients', '100,1000').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const procs = Number(arg('procs', '4'));
  const clusters = Number(arg('clusters', '50'));
  const keys = 10;
  const load0 = loadAverage();
  const figures: Figure[] = [];
  const raw: Record<string, { plexus: Sample[]; floor: Sample[] }> = {};
  for (const n of sizes) {
    const ours: Sample[] = [];
    const floor: Sample[] = [];
    for (let r = 0; r < runs; r++) {
      ours.push(await runPlexus(n, procs, keys, clusters));
      floor.push(await runFloor(n, procs, keys, clusters));
    }
    raw[n] = { plexus: ours, floor };
    const label = `${n.toLocaleString('en')} clients`;
    const o = spread(ours.map((s) => s.ms));
    const f = spread(floor.map((s) => s.ms));
    figures.push(
      { figure: `${label}: push → all ACKed`, unit: 'ms', ...o },
      { figure: `${label}: server CPU per push`, unit: 'ms', ...spread(ours.map((s) => s.cpuMs)) },
      { figure: `${label}: server RSS`, unit: 'MB', ...spread(ours.map((s) => s.rssMb)) },
      { figure: `${label}: floor push → all ACKed`, unit: 'ms', ...f },
      { figure: `${label}: floor server CPU per push`, unit: 'ms', ...spread(floor.map((s) => s.cpuMs)) },
      { figure: `${label}: floor RSS`, unit: 'MB', ...spread(floor.map((s) => s.rssMb)) },
      {
        figure: `${label}: Plexus / floor push, median`,
        unit: '×',
        min: Number.NaN,
        median: o.median / f.median,
        max: Number.NaN,
        samples: 1,
        single: true,
      },
    );
  }
  const load1 = loadAverage();
  publish(
    {
      name: 'xds',
      title: 'xDS server: npm run bench:xds',
      command: commandLine('bench:xds'),
      note:
        `Raw ADS clients in ${procs} child processes, each subscribed to 1 listener, 1 route, ${clusters} clusters ` +
        `and ${clusters} endpoint sets over ${keys} proxy keys; one push changes a cluster, all endpoints and the ` +
        'route; time until every client ACKed all three. The floor is a bare grpc-js loop writing the same bytes to ' +
        `the same clients. ${runs} runs per size; load average ${load0} → ${load1}. The server runs inside the ` +
        "benchmark process with Node's default V8 flags. Raw: bench/results/xds.json.",
      figures,
      loadAverage: { start: load0, end: load1 },
      raw,
    },
    machine(),
  );
  process.exit(0);
}

if (process.argv[2] === '--child') {
  const [address, from, count, keys] = process.argv.slice(3, 7);
  const names = JSON.parse(process.argv[7]) as string[];
  await child(address, Number(from), Number(count), Number(keys), names);
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}
