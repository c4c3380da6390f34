/**
 * npm run bench:tls [-- --clients 1000 --runs 3 --procs 4 --clusters 50]
 *
 * Initial convergence of N proxies over mTLS against plaintext, in one run: N raw ADS clients (SotW, each on
 * its own connection, spread over child processes) connect to an XdsServer, one with TLS, client certificates
 * and the certificate authorizer, one plaintext without identity; time from the first connection to every
 * client having ACKed LDS, RDS, CDS and EDS. Runs alternate plaintext/mTLS so load drift hits both alike; the
 * ratio is per pair. Writes bench/results/tls.json and its BENCHMARKS.md table.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import {
  ClientCertificateAuthenticator,
  createAuthorizer,
  ReloadingServerCredentials,
} from '@plexus/security';
import {
  AdsClient,
  apiListener,
  createTestCa,
  edsCluster,
  issueCert,
  loadAssignment,
  weightedRoute,
  XdsTypes,
} from '@plexus/testkit';
import { XdsServer } from '@plexus/xds';
import { machine } from './scale/proc-stats.ts';
import { type Figure, printFigures, spread, updateBenchmarksMd, writeResults } from './scale/report.ts';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const KEYS = 10;
const key = (k: number) => `mesh/bench/virtualNode/n${k}`;

function meshConfig(clusters: number) {
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
            [names[0], 90],
            [names[1], 10],
          ],
        ),
      ],
      clusters: names.map((n) => edsCluster(n)),
      endpoints: names.map((n, i) => loadAssignment(n, [{ host: `10.0.${i % 250}.1`, port: 8080 }])),
    },
  };
}

interface Tls {
  ca: string;
  certs: { cert: string; key: string }[];
}

// ---------- child: load clients ----------
async function child(address: string, from: number, count: number, names: string[], tls: Tls | null) {
  const pems = tls && {
    ca: readFileSync(tls.ca),
    certs: tls.certs.map((c) => ({ cert: readFileSync(c.cert), key: readFileSync(c.key) })),
  };
  let ready = 0;
  for (let i = from; i < from + count; i++) {
    const k = i % KEYS;
    const creds = pems ? credentials.createSsl(pems.ca, pems.certs[k].key, pems.certs[k].cert) : undefined;
    const c = new AdsClient(
      address,
      { 'grpc.use_local_subchannel_pool': 1 },
      { decode: false, credentials: creds },
    );
    const s = c.sotw({ id: key(k) });
    const subs: Record<string, string[]> = {
      [XdsTypes.listener]: ['front'],
      [XdsTypes.route]: ['front-route'],
      [XdsTypes.cluster]: names,
      [XdsTypes.endpoint]: names,
    };
    const seen = new Set<string>();
    s.onResponse((r) => {
      s.ack(r, subs[r.typeUrl]);
      seen.add(r.typeUrl);
      if (seen.size === 4 && !subs.done) {
        subs.done = [];
        if (++ready === count) process.send!({ ready: true });
      }
    });
    for (const t of Object.keys(subs)) s.request({ typeUrl: t, names: subs[t] });
    if (i % 50 === 0) await new Promise((r) => setTimeout(r, 20)); // do not open 1,000 connections at once
  }
}

// ---------- parent ----------
interface Sample {
  ms: number;
  cpuMs: number;
}

async function run(n: number, procs: number, clusters: number, tls: Tls | null): Promise<Sample> {
  const creds = tls
    ? new ReloadingServerCredentials({
        certFile: tls.certs[KEYS].cert,
        keyFile: tls.certs[KEYS].key,
        clientCaFile: tls.ca,
      })
    : undefined;
  const xds = new XdsServer({
    resolveProxy: (node) => node.id,
    credentials: creds,
    authorize: tls
      ? createAuthorizer({
          authenticators: [new ClientCertificateAuthenticator('plexus.local')],
          trustDomain: 'plexus.local',
          required: true,
        })
      : undefined,
  });
  const port = await xds.listen('127.0.0.1:0');
  const { names, config } = meshConfig(clusters);
  for (let k = 0; k < KEYS; k++) xds.setProxyConfig(key(k), config);
  const per = Math.ceil(n / procs);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const kids = [];
  for (let p = 0; p < procs; p++) {
    const count = Math.min(per, n - p * per);
    if (count <= 0) break;
    kids.push(
      fork(
        self,
        [
          '--child',
          `127.0.0.1:${port}`,
          String(p * per),
          String(count),
          JSON.stringify(names),
          JSON.stringify(tls),
        ],
        { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
      ),
    );
  }
  await Promise.all(
    kids.map((k) => new Promise<void>((r) => k.on('message', (m: { ready?: boolean }) => m.ready && r()))),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const refused = xds.metrics().rejectedStreams;
  if (Object.keys(refused).length > 0) throw new Error(`streams refused: ${JSON.stringify(refused)}`);
  for (const k of kids) k.kill();
  creds?.close();
  await xds.shutdown(200);
  // includes the children's fork and start-up, the same for both
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main() {
  const n = Number(arg('clients', '1000'));
  const runs = Number(arg('runs', '3'));
  const procs = Number(arg('procs', '4'));
  const clusters = Number(arg('clusters', '50'));
  const command = `npm run bench:tls -- --clients ${n} --runs ${runs} --procs ${procs} --clusters ${clusters}`;
  const ca = createTestCa('Bench CA');
  const certs = Array.from({ length: KEYS }, (_, k) =>
    issueCert(ca, { cn: `n${k}`, uris: [`spiffe://plexus.local/${key(k)}`], usage: 'client' }),
  );
  const server = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
  const tls: Tls = {
    ca: ca.certFile,
    certs: [...certs, server].map((c) => ({ cert: c.certFile, key: c.keyFile })),
  };
  const load0 = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  console.log(
    `bench:tls  ${n} proxies (${KEYS} keys), ${clusters} clusters each, ${procs} client processes, ${runs} pairs; load ${load0}`,
  );
  const plain: Sample[] = [];
  const mtls: Sample[] = [];
  for (let r = 0; r < runs; r++) {
    plain.push(await run(n, procs, clusters, null));
    mtls.push(await run(n, procs, clusters, tls));
    console.log(`  pair ${r + 1}: plaintext ${plain[r].ms.toFixed(0)} ms, mTLS ${mtls[r].ms.toFixed(0)} ms`);
  }
  const load1 = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const figures: Figure[] = [
    { figure: `initial convergence, ${n} proxies, plaintext`, unit: 'ms', ...spread(plain.map((s) => s.ms)) },
    { figure: `initial convergence, ${n} proxies, mTLS`, unit: 'ms', ...spread(mtls.map((s) => s.ms)) },
    {
      figure: 'mTLS / plaintext initial convergence (per pair)',
      unit: '×',
      ...spread(mtls.map((s, i) => s.ms / plain[i].ms)),
    },
    { figure: 'server CPU during convergence, plaintext', unit: 'ms', ...spread(plain.map((s) => s.cpuMs)) },
    { figure: 'server CPU during convergence, mTLS', unit: 'ms', ...spread(mtls.map((s) => s.cpuMs)) },
  ];
  printFigures(figures);
  if (process.argv.includes('--no-write')) return;
  const path = writeResults('tls', {
    command,
    machine: machine(),
    loadAverage: { start: load0, end: load1 },
    date: new Date().toISOString(),
    figures,
    raw: { plain, mtls },
  });
  updateBenchmarksMd(
    'xDS over mTLS: initial convergence',
    command,
    machine(),
    figures,
    `${n} raw ADS clients (SotW, one connection each, ${procs} processes) against one XdsServer, plaintext without ` +
      `identity vs TLS with client certificates and the certificate authorizer; time from the first connection ` +
      `to every client having ACKed LDS/RDS/CDS/EDS (client start-up included). ${runs} alternating pairs; load ` +
      `average ${load0} → ${load1} (machine shared). Raw: bench/results/tls.json.`,
  );
  console.log(`wrote ${path} and BENCHMARKS.md`);
}

if (process.argv[2] === '--child') {
  const [address, from, count, names, tls] = process.argv.slice(3, 8);
  await child(address, Number(from), Number(count), JSON.parse(names), JSON.parse(tls));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
  process.exit(0);
}
