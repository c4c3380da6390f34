/**
 * npm run bench:telemetry [-- --proxies 1000 --rate 10 --runs 3 --seconds 20]
 *
 * 1. Wire cost, real Envoy 1.40: one sidecar with Envoy's metrics service sink and the access log service both
 *    pointed at a byte-counting gRPC receiver, 1 s flush: bytes per stats flush vs bytes per logged request.
 * 2. Ingestion: the real daemon (`startDaemon`, a generated mesh of N proxies) measured twice per run: without
 *    telemetry, and with N access log streams (one connection each, like N Envoys) each sending its buffered
 *    entries every second (`--rate` requests per proxy per second). Daemon CPU (% of one core) and RSS.
 * 3. Console API latency at N proxies under that load: /api/v1/console/graph, /traffic, /api/v1/telemetry/edges
 *    and a /metrics scrape.
 * Figures go to bench/results/telemetry.json and BENCHMARKS.md; the load average is recorded with them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, credentials, Server, ServerCredentials, type ServerReadableStream } from '@grpc/grpc-js';
import { envoyBinary, freePort, startProcess, toStaticBootstrap, waitFor } from '@plexus/testkit';
import { envoyType } from '@plexus/xds';
import { generateMesh } from './gen/mesh.ts';
import { cpuSeconds, loadAverage, machine, rssMb } from './scale/proc-stats.ts';
import {
  type Figure,
  percentile,
  printFigures,
  spread,
  updateBenchmarksMd,
  writeResults,
} from './scale/report.ts';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const PROXIES = Number(arg('proxies', '1000'));
const RATE = Number(arg('rate', '10'));
const RUNS = Number(arg('runs', '3'));
const SECONDS = Number(arg('seconds', '20'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- child: the daemon ----------
async function daemonChild(telemetry: boolean) {
  const { startDaemon } = await import('@plexus/daemon');
  const { pino } = await import('pino');
  const dir = mkdtempSync(join(tmpdir(), 'plexus-bench-telemetry-'));
  const mesh = generateMesh({
    nodes: PROXIES,
    services: Math.max(1, PROXIES / 10),
    routesPerRouter: 4,
    endpoints: 3,
  });
  for (const f of mesh.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const d = await startDaemon({
    repo: dir,
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    telemetry: { enabled: telemetry },
    logger: pino({ level: 'warn' }),
  });
  await d.idle();
  process.send?.({ xds: d.xdsPort, http: d.httpPort });
  process.on('disconnect', async () => {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

// ---------- child: N proxies' access log streams ----------
async function loadChild(xds: number, from: number, count: number) {
  const Message = envoyType('envoy.service.accesslog.v3.StreamAccessLogsMessage');
  const path = '/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs';
  const addr = (port: number) => ({ socket_address: { address: '127.0.0.1', port_value: port } });
  const streams: { write(b: Buffer): void }[] = [];
  const entries = (i: number) =>
    Array.from({ length: RATE }, (_, k) => {
      const target = `node-${(i * 7 + (k % 2)) % PROXIES}`;
      const now = Date.now() / 1000;
      return {
        common_properties: {
          downstream_remote_address: addr(40000 + k),
          downstream_local_address: addr(15001),
          upstream_remote_address: addr(20000 + k),
          start_time: { seconds: Math.floor(now), nanos: 0 },
          time_to_last_downstream_tx_byte: { seconds: 0, nanos: 3_000_000 + k * 100_000 },
          upstream_cluster: `cds_egress_bench_${target}_http_${20000 + ((i * 7 + (k % 2)) % PROXIES)}`,
          route_name: `router-${i % 100}/route-${k % 4}`,
          response_flags: k % 50 === 0 ? { upstream_connection_failure: true } : {},
        },
        protocol_version: 'HTTP11',
        request: {
          authority: `svc-${i % 100}.bench.local`,
          path: '/api/items',
          request_method: 'GET',
          request_id: `r-${i}-${k}`,
        },
        response: { response_code: { value: k % 50 === 0 ? 503 : 200 }, response_body_bytes: 512 },
      };
    });
  for (let i = from; i < from + count; i++) {
    const c = new Client(`127.0.0.1:${xds}`, credentials.createInsecure(), {
      'grpc.use_local_subchannel_pool': 1,
    });
    const call = c.makeClientStreamRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      () => {},
    );
    const first = Message.encode({
      identifier: {
        node: { id: `mesh/bench/virtualNode/node-${i}`, cluster: `node-${i}` },
        log_name: 'plexus_egress',
      },
    }).finish();
    call.write(Buffer.from(first));
    streams.push(call);
  }
  process.send?.({ ready: true });
  // Each proxy flushes once a second, spread over the second like independent Envoys.
  let tick = 0;
  setInterval(() => {
    const slice = Math.ceil(streams.length / 10);
    const part = tick++ % 10;
    for (let j = part * slice; j < Math.min(streams.length, (part + 1) * slice); j++) {
      streams[j]!.write(
        Buffer.from(Message.encode({ http_logs: { log_entry: entries(from + j) } }).finish()),
      );
    }
  }, 100);
}

// ---------- 1: wire cost with a real Envoy ----------
async function wireCost(): Promise<{
  statsBytesPerFlush: number;
  alsBytesPerRequest: number;
  stats: number;
}> {
  const bytes: Record<string, number[]> = { metrics: [], als: [] };
  const server = new Server();
  const raw = (b: Buffer) => b;
  const sink = (kind: string) => (call: ServerReadableStream<Buffer, Buffer>) => {
    call.on('data', (b: Buffer) => bytes[kind]!.push(b.length));
    call.on('error', () => {});
  };
  server.addService(
    {
      StreamMetrics: {
        path: '/envoy.service.metrics.v3.MetricsService/StreamMetrics',
        requestStream: true,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
      StreamAccessLogs: {
        path: '/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs',
        requestStream: true,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    { StreamMetrics: sink('metrics'), StreamAccessLogs: sink('als') },
  );
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const app = createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
  const appPort = (app.address() as { port: number }).port;
  const { buildGraph, parseProxyId } = await import('@plexus/graph');
  const { loadAndValidate } = await import('@plexus/spec');
  const { translateProxy } = await import('@plexus/translate');
  const { readFileSync, readdirSync } = await import('node:fs');
  const meshDir = fileURLToPath(new URL('../examples/colorapp/mesh', import.meta.url));
  const files = readdirSync(meshDir).map((f) => ({
    path: f,
    content: readFileSync(join(meshDir, f), 'utf8'),
  }));
  const egress = await freePort();
  const cfg = translateProxy(
    buildGraph(loadAndValidate(files).resources),
    parseProxyId('mesh/colorapp/virtualNode/front')!,
    () => ({
      mesh: 'colorapp',
      virtualNode: 'x',
      source: 'static',
      endpoints: [{ address: '127.0.0.1', port: appPort, health: 'healthy' }],
    }),
    {
      listenAddress: '127.0.0.1',
      egressPort: egress,
      ingressPort: await freePort(),
      proxyless: false,
      telemetry: { grpcCluster: 'telemetry_sink' },
    },
  );
  const { sameHostConfig } = await import('@plexus/daemon');
  const h2 = {
    'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
      '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
      explicit_http_config: { http2_protocol_options: {} },
    },
  };
  const bootstrap = toStaticBootstrap(sameHostConfig('k', cfg as never) as never, [
    {
      name: 'telemetry_sink',
      type: 'STATIC',
      connect_timeout: '1s',
      typed_extension_protocol_options: h2,
      load_assignment: {
        cluster_name: 'telemetry_sink',
        endpoints: [
          {
            lb_endpoints: [
              { endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } },
            ],
          },
        ],
      },
    },
  ]);
  const adminPort = await freePort();
  Object.assign(bootstrap, {
    node: { id: 'mesh/colorapp/virtualNode/front', cluster: 'front' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: adminPort } } },
    stats_flush_interval: '1s',
    stats_sinks: [
      {
        name: 'envoy.stat_sinks.metrics_service',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.config.metrics.v3.MetricsServiceConfig',
          transport_api_version: 'V3',
          grpc_service: { envoy_grpc: { cluster_name: 'telemetry_sink' } },
        },
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'plexus-bench-wire-'));
  const file = join(dir, 'envoy.json');
  writeFileSync(file, JSON.stringify(bootstrap));
  const envoy = startProcess(
    envoyBinary(),
    ['-c', file, '--disable-hot-restart', '-l', 'warn', '--concurrency', '1'],
    { stdio: 'ignore' },
  );
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${adminPort}/ready`)).ok, {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'envoy ready',
    });
    const n = 200;
    for (let i = 0; i < n; i++) {
      await fetch(`http://127.0.0.1:${egress}/`, { headers: { host: 'colorteller.colorapp.local' } });
    }
    await sleep(4000);
    const stats = (await (await fetch(`http://127.0.0.1:${adminPort}/stats`)).text())
      .split('\n')
      .filter(Boolean).length;
    const metricFlushes = bytes.metrics!.slice(1); // the first message also carries the identifier
    const alsBytes = bytes.als!.reduce((a, b) => a + b, 0);
    return {
      statsBytesPerFlush: metricFlushes.reduce((a, b) => a + b, 0) / Math.max(1, metricFlushes.length),
      alsBytesPerRequest: alsBytes / n,
      stats,
    };
  } finally {
    await envoy.stop(3000);
    app.close();
    server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- parent ----------
function forkChild(args: string[]): Promise<{ child: ChildProcess; msg: Record<string, number> }> {
  const child = fork(self, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--max-semi-space-size=8'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (msg) => resolve({ child, msg: msg as Record<string, number> }));
    child.once('exit', (code) => reject(new Error(`child ${args.join(' ')} exited ${code}`)));
  });
}

async function measure(pid: number, seconds: number) {
  const c0 = cpuSeconds(pid);
  const t0 = Date.now();
  const rss: number[] = [];
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    rss.push(rssMb(pid));
  }
  return { cpuPct: (100 * (cpuSeconds(pid) - c0)) / ((Date.now() - t0) / 1000), rss: Math.max(...rss) };
}

async function latency(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(url);
    await r.arrayBuffer();
    out.push(performance.now() - t);
  }
  return out;
}

async function parent() {
  const load: number[] = [];
  const wire = await wireCost();
  console.log(
    `wire: metrics service ${wire.statsBytesPerFlush.toFixed(0)} B/flush (${wire.stats} stats), ALS ${wire.alsBytesPerRequest.toFixed(0)} B/request`,
  );
  const r = {
    offCpu: [] as number[],
    offRss: [] as number[],
    onCpu: [] as number[],
    onRss: [] as number[],
    graph: [] as number[],
    traffic: [] as number[],
    edges: [] as number[],
    metrics: [] as number[],
    edgeCount: [] as number[],
  };
  for (let run = 0; run < RUNS; run++) {
    for (const on of [false, true]) {
      const d = await forkChild(['--child', 'daemon', on ? 'on' : 'off']);
      const loaders: ChildProcess[] = [];
      try {
        if (on) {
          const per = Math.ceil(PROXIES / 4);
          for (let from = 0; from < PROXIES; from += per) {
            loaders.push(
              (
                await forkChild([
                  '--child',
                  'load',
                  String(d.msg.xds),
                  String(from),
                  String(Math.min(per, PROXIES - from)),
                ])
              ).child,
            );
          }
        }
        await sleep(5000);
        load.push(loadAverage());
        const m = await measure(d.child.pid!, SECONDS);
        (on ? r.onCpu : r.offCpu).push(m.cpuPct);
        (on ? r.onRss : r.offRss).push(m.rss);
        if (on) {
          const base = `http://127.0.0.1:${d.msg.http}`;
          r.graph.push(percentile(await latency(`${base}/api/v1/console/graph`, 20), 50));
          r.traffic.push(percentile(await latency(`${base}/api/v1/console/traffic?window=10`, 20), 50));
          r.edges.push(percentile(await latency(`${base}/api/v1/telemetry/edges?window=10`, 20), 50));
          r.metrics.push(percentile(await latency(`${base}/metrics`, 10), 50));
          const doc = (await (await fetch(`${base}/api/v1/telemetry/edges`)).json()) as { edges: unknown[] };
          r.edgeCount.push(doc.edges.length);
        }
        console.log(
          `run ${run + 1} telemetry ${on ? 'on' : 'off'}: cpu ${m.cpuPct.toFixed(1)}% rss ${m.rss.toFixed(0)} MB`,
        );
      } finally {
        for (const l of loaders) l.kill();
        d.child.disconnect();
        await new Promise((res) => d.child.once('exit', res));
      }
    }
  }
  const f = (figure: string, unit: string, xs: number[]): Figure => ({ figure, unit, ...spread(xs) });
  const figures: Figure[] = [
    f(`metrics service sink, bytes per 1 s flush per proxy (${wire.stats} stats, colorapp front)`, 'B', [
      wire.statsBytesPerFlush,
    ]),
    f('access log service, bytes per logged request', 'B', [wire.alsBytesPerRequest]),
    f(`daemon CPU, ${PROXIES} proxies, no telemetry`, '% of a core', r.offCpu),
    f(`daemon CPU, ${PROXIES} proxies × ${RATE} req/s logged (1 s flush)`, '% of a core', r.onCpu),
    f(`daemon RSS, ${PROXIES} proxies, no telemetry`, 'MB', r.offRss),
    f(`daemon RSS, ${PROXIES} proxies × ${RATE} req/s logged`, 'MB', r.onRss),
    f(`console GET /api/v1/console/graph, ${PROXIES} proxies (p50)`, 'ms', r.graph),
    f(`console GET /api/v1/console/traffic, ${r.edgeCount[0] ?? 0} edges (p50)`, 'ms', r.traffic),
    f(`GET /api/v1/telemetry/edges, ${r.edgeCount[0] ?? 0} edges (p50)`, 'ms', r.edges),
    f(`GET /metrics with per-edge series (p50)`, 'ms', r.metrics),
  ];
  printFigures(figures);
  const command = `npm run bench:telemetry -- --proxies ${PROXIES} --rate ${RATE} --runs ${RUNS}`;
  const doc = {
    command,
    machine: machine(),
    load: spread(load),
    samples: RUNS,
    proxies: PROXIES,
    rate: RATE,
    wire,
    results: r,
    figures,
    at: new Date().toISOString(),
  };
  console.log(`results: ${writeResults('telemetry', doc)}; load average ${spread(load).median}`);
  updateBenchmarksMd(
    'Telemetry ingestion and console API',
    command,
    `${machine()}, load ${spread(load).min.toFixed(1)}–${spread(load).max.toFixed(1)}`,
    figures,
    `Real Envoy 1.40 for the wire bytes; the real daemon on a generated mesh of ${PROXIES} proxies (no xDS clients) for CPU and RSS, with and without ${PROXIES} access log streams (one connection each) flushing ${RATE} entries a second; ${RUNS} samples of ${SECONDS} s. The machine is shared: see the load.`,
  );
}

const mode = arg('child', '');
if (mode === 'daemon') await daemonChild(process.argv.at(-1) === 'on');
else if (mode === 'load')
  await loadChild(Number(process.argv.at(-3)), Number(process.argv.at(-2)), Number(process.argv.at(-1)));
else await parent();
