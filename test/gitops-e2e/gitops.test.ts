/**
 * The GitOps loop with real parts: a git repo driven by the git CLI, the daemon, five real Envoys (gateway,
 * front, three colortellers) and a grpc-js-xds client. Commits move traffic; a broken commit changes nothing
 * but the status; a restart serves the last committed revision again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@plexus/daemon';
import { freePort, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ColorappRun, freePorts, startColorapp } from '../../scripts/demo/colorapp.ts';
import { grpcColorClient, grpcSpec, startGrpcColor } from '../../scripts/demo/grpc-colors.ts';
import { commitAll, setWeights, tally, tallySettlesOn } from '../../scripts/demo/local-mesh.ts';

let workDir: string;
let run: ColorappRun;
let grpcServers: Awaited<ReturnType<typeof startGrpcColor>>[] = [];
let grpcRouter: number;
let client: ReturnType<typeof grpcColorClient>;

async function status(): Promise<StatusDocument> {
  const res = await fetch(`http://127.0.0.1:${run.daemon.httpPort}/api/v1/status`);
  return (await res.json()) as StatusDocument;
}

/** Waits until `sha` is applied and every Envoy (5 proxies) is connected, on it, and has nothing NACKed. */
async function applied(sha: string, what: string): Promise<void> {
  await waitFor(
    async () => {
      const s = await status();
      const envoys = s.proxies.filter((p) => p.node !== 'mesh/colorapp/virtualNode/grpc-client');
      return (
        s.revision.applied === sha &&
        envoys.length >= 5 &&
        envoys.every((p) => p.connected && p.revision === sha && Object.keys(p.nacked).length === 0)
      );
    },
    { timeoutMs: 90_000, intervalMs: 100, what },
  );
}

function writeGrpc(weights: [number, number]): void {
  const [red, blue] = grpcServers;
  writeFileSync(
    join(run.repo, 'mesh/grpc.yaml'),
    grpcSpec({ red: red!.port, blue: blue!.port, router: grpcRouter }, weights),
  );
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'plexus-gitops-e2e-'));
  const ports = await freePorts();
  grpcServers = [await startGrpcColor('grpc-red'), await startGrpcColor('grpc-blue')];
  run = await startColorapp({ workDir, ports, logger: pino({ level: 'warn' }) });
  grpcRouter = await freePort();
  writeGrpc([1, 0]);
  const sha = commitAll(run.repo, 'add proxyless gRPC colors');
  await applied(sha, 'the gRPC commit');
  client = grpcColorClient(run.daemon.xdsPort, grpcRouter);
});

afterAll(async () => {
  client?.close();
  await run?.stop();
  for (const s of grpcServers) s.server.forceShutdown();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('GitOps end to end', () => {
  it('a commit of new weights moves Envoy and proxyless gRPC traffic', async () => {
    expect(await client.tally(10)).toEqual({ 'grpc-red': 10 });
    setWeights(run.routeFile, { red: 0, blue: 0, green: 1 });
    writeGrpc([0, 1]);
    const sha = commitAll(run.repo, 'all to green, gRPC to blue');
    await applied(sha, 'the weights commit');
    await tallySettlesOn(run.ports.gateway, ['green']); // an ACKed route table still has to reach each worker
    expect(await tally(run.ports.gateway, 40)).toEqual({ green: 40 });
    await waitFor(async () => (await client.tally(1))['grpc-blue'] === 1, { what: 'gRPC to follow' });
    expect(await client.tally(10)).toEqual({ 'grpc-blue': 10 });
  });

  it('a broken commit is never applied: status names file:line and field, traffic is unchanged', async () => {
    const before = (await status()).revision.applied;
    setWeights(run.routeFile, { red: 1000, green: 0 });
    const line =
      readFileSync(run.routeFile, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('weight: 1000')) + 1;
    const bad = commitAll(run.repo, 'broken: weight out of range');
    await waitFor(async () => (await status()).revision.attempted === bad, {
      what: 'the broken commit to be seen',
    });
    const s = await status();
    expect(s.revision.applied).toBe(before);
    expect(s.revision.error).toMatchObject({
      revision: bad,
      stage: 'load',
      file: 'mesh/colorteller.yaml',
      line,
    });
    expect(s.revision.error?.field).toContain('weightedTargets[0].weight');
    expect(s.revision.error?.errors.join('\n')).toContain(`mesh/colorteller.yaml:${line}:`);
    const metrics = await (await fetch(`http://127.0.0.1:${run.daemon.httpPort}/metrics`)).text();
    expect(metrics).toContain('plexus_reconcile_total{outcome="failed",stage="load"} 1');
    expect(metrics).toContain(`plexus_applied_revision_info{revision="${before}"} 1`);
    expect(await tally(run.ports.gateway, 40)).toEqual({ green: 40 });
  });

  it('the next good commit applies and clears the error', async () => {
    setWeights(run.routeFile, { red: 1, blue: 0, green: 0 });
    const fixed = commitAll(run.repo, 'fix: all to red');
    await applied(fixed, 'the fix');
    await tallySettlesOn(run.ports.gateway, ['red']); // an ACKed route table still has to reach each worker
    expect((await status()).revision).toEqual({ applied: fixed, attempted: fixed, error: null });
    expect(await tally(run.ports.gateway, 40)).toEqual({ red: 40 });
  });

  it('a restarted daemon serves the last committed revision again', async () => {
    const head = (await status()).revision.applied!;
    await run.daemon.stop();
    // The data plane keeps its last config while the control plane is away.
    expect(await tally(run.ports.gateway, 20)).toEqual({ red: 20 });
    const t0 = Date.now();
    await run.restartDaemon();
    await applied(head, 'the restarted daemon to serve HEAD to every Envoy');
    const ms = Date.now() - t0;
    console.log(`gitops-e2e: restart → HEAD ${head.slice(0, 8)} applied and ACKed by 5 Envoys in ${ms} ms`);
    expect(await tally(run.ports.gateway, 20)).toEqual({ red: 20 });
    setWeights(run.routeFile, { red: 0, blue: 1 });
    const next = commitAll(run.repo, 'after restart: all to blue');
    await applied(next, 'a commit after the restart');
    await tallySettlesOn(run.ports.gateway, ['blue']); // an ACKed route table still has to reach each worker
    expect(await tally(run.ports.gateway, 20)).toEqual({ blue: 20 });
  });

  it('a daemon restarted while HEAD is broken serves the last good revision and reports HEAD', async () => {
    const good = (await status()).revision.applied!;
    setWeights(run.routeFile, { blue: -1 });
    const bad = commitAll(run.repo, 'broken: negative weight');
    await waitFor(async () => (await status()).revision.attempted === bad, {
      what: 'the broken commit to be seen',
    });
    await run.daemon.stop();
    const t0 = Date.now();
    await run.restartDaemon();
    await applied(good, 'the last good revision after a restart on a broken HEAD');
    console.log(
      `gitops-e2e: restart on broken HEAD → last good ${good.slice(0, 8)} served in ${Date.now() - t0} ms`,
    );
    await waitFor(async () => (await status()).revision.attempted === bad, { what: 'HEAD to be attempted' });
    const s = await status();
    expect(s.revision.applied).toBe(good);
    expect(s.revision.error).toMatchObject({ revision: bad, file: 'mesh/colorteller.yaml' });
    expect(await tally(run.ports.gateway, 20)).toEqual({ blue: 20 });
  });
});
