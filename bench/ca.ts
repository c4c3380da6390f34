/**
 * bench:ca — the mesh CA's cost: issuing a certificate (fresh P-256 key, leaf signed by the generated CA,
 * secret encoded into the proxy's xDS snapshot) for N proxies at start-up, and a CA rotation's push (the new
 * bundle to every proxy, then every leaf reissued). In process, against a real XdsServer's snapshots (no
 * clients connected): what the daemon spends, not the network.
 *
 *   npm run bench:ca -- [--proxies 1000] [--runs 3] [--no-write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CertificateNeeds, GeneratedCa, MeshCa, MeshCertificates } from '@plexus/ca';
import { XdsServer } from '@plexus/xds';
import { machine } from './scale/proc-stats.ts';
import { commandLine, type Figure, publish, spread } from './scale/report.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg('proxies', '1000'));
const RUNS = Number(arg('runs', '3'));
const TD = 'plexus.local';

interface Run {
  issueWallMs: number;
  issueCpuMs: number;
  bundlePushMs: number;
  reissueWallMs: number;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-bench-ca-'));
  const backend = new GeneratedCa({ stateDir: dir, trustDomain: TD });
  await backend.start();
  const xds = new XdsServer({ resolveProxy: (n) => n.id });
  const keys = Array.from({ length: N }, (_, i) => `mesh/m/virtualNode/n${i}`);
  for (const k of keys) xds.setProxyConfig(k, {});
  let pushes = 0;
  let reissued = 0;
  let allReissued: () => void = () => {};
  const certs = new MeshCertificates({
    ca: new MeshCa({ backend, trustDomain: TD }),
    sink: (key, secrets) => {
      pushes++;
      xds.setProxySecrets(key, secrets);
    },
    certificateSecretName: (key) => `spiffe://${TD}/${key}`,
    bundleSecretName: `spiffe://${TD}`,
    bundleLeadMs: 0,
    onIssued: (_c, why) => {
      if (why === 'ca change' && ++reissued === N) allReissued();
    },
  });
  const wanted = new Map<string, CertificateNeeds>(
    keys.map((k, i) => [k, { certificate: true, bundle: true, dnsNames: [`s${i}.m.local`] }]),
  );

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await certs.sync(wanted);
  const issueWallMs = performance.now() - t0;
  const issueCpuMs = cpuMs(process.cpuUsage(cpu0));

  const done = new Promise<void>((r) => {
    allReissued = r;
  });
  pushes = 0;
  const t1 = performance.now();
  // rotate() emits the change synchronously after the new CA is written: the bundle pushes happen inside it.
  await backend.rotate(24 * 3600_000);
  const bundlePushMs = performance.now() - t1;
  if (pushes < N) throw new Error(`bundle reached ${pushes} of ${N} proxies`);
  // The CA's timers are unref'd (they never hold a daemon open); this one keeps the bench alive meanwhile.
  const alive = setInterval(() => {}, 1000);
  await done;
  clearInterval(alive);
  const reissueWallMs = performance.now() - t1;
  certs.stop();
  await xds.shutdown(0);
  rmSync(dir, { recursive: true, force: true });
  return { issueWallMs, issueCpuMs, bundlePushMs, reissueWallMs };
}

const load0 = loadavg()[0]!.toFixed(2);
const runs: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await once());
  console.log(`run ${i + 1}/${RUNS}: ${JSON.stringify(runs.at(-1))}`);
}
const load1 = loadavg()[0]!.toFixed(2);
const fig = (figure: string, unit: string, xs: number[]): Figure => ({ figure, unit, ...spread(xs) });
const figures: Figure[] = [
  fig(
    `issue ${N} proxies' certificates at start-up, wall`,
    'ms',
    runs.map((r) => r.issueWallMs),
  ),
  fig(
    `issue ${N} proxies' certificates at start-up, CPU`,
    'ms',
    runs.map((r) => r.issueCpuMs),
  ),
  fig(
    'one certificate (key, leaf, secret into the snapshot), wall',
    'ms',
    runs.map((r) => r.issueWallMs / N),
  ),
  fig(
    `CA rotation: new bundle into ${N} snapshots`,
    'ms',
    runs.map((r) => r.bundlePushMs),
  ),
  fig(
    `CA rotation: every leaf of ${N} reissued`,
    'ms',
    runs.map((r) => r.reissueWallMs),
  ),
];
publish(
  {
    name: 'ca',
    title: 'Mesh CA: issuing and rotation',
    command: commandLine('bench:ca'),
    note:
      `${N} proxies, each needing its own certificate and the bundle, against a generated CA and one XdsServer's ` +
      `snapshots in one process (no clients connected, so no network time). Start-up: from sync() to every ` +
      `certificate issued and set; rotation: rotate() with no bundle lead, the bundle into every snapshot, then ` +
      `every leaf reissued. ${RUNS} runs; load average ${load0} → ${load1} (machine shared). Raw: bench/results/ca.json.`,
    figures,
    loadAverage: { start: Number(load0), end: Number(load1) },
    raw: runs,
  },
  machine(),
);
