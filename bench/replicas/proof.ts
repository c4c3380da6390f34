/**
 * The replica proof (issue 17), shared by the e2e test (50 clients) and `npm run bench:replicas` (1,000):
 *  1. a remote repository (real `git http-backend`, token required) holding examples/colorapp;
 *  2. three `plexus run` replicas on it, each with its own --state-dir and clone cache, polling on its own;
 *     every replica serves every node the same versions (content hashes);
 *  3. a real Envoy as TCP load balancer in front; load clients connect through it and hold their config;
 *  4. kill -9 of one replica: its clients reconnect through the balancer to the others and hold the same
 *     versions again; the clients that stayed see no response and no version change;
 *  5. a commit pushed to the remote reaches every client through every surviving replica;
 *  6. the remote goes away and the killed replica restarts: it serves its last good revision from --state-dir,
 *     with the versions it served before it was killed, and the fleet status flags it as behind;
 *  7. the remote comes back: the replica catches up and all three serve identical versions again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FleetStatus, fetchFleetStatus } from '@plexus/daemon';
import { waitFor } from '@plexus/testkit';
import { startGitHttpServer } from '../../packages/source/test/helpers/git-http-server.ts';
import { type RemoteRepo, startRemoteRepo } from '../../test/remote-gitops-e2e/remote-repo.ts';
import { percentile } from '../scale/report.ts';
import { type ClientState, LoadClients } from './clients.ts';
import { type LbEnvoy, startLbEnvoy } from './lb-envoy.ts';
import { Replica } from './replica-fleet.ts';
import { servedFleetVersions, type Versions } from './served-versions.ts';

export const NODES = [
  'mesh/colorapp/virtualNode/front',
  'mesh/colorapp/virtualNode/colorteller-red',
  'mesh/colorapp/virtualNode/colorteller-blue',
  'mesh/colorapp/virtualNode/colorteller-green',
  'mesh/colorapp/virtualGateway/ingress-gw',
];

export interface ProofOptions {
  clients: number;
  /** Child processes the clients are spread over. */
  procs: number;
  replicas?: number;
  pollIntervalMs?: number;
  /** Upper bound of a client's jittered wait before it opens a new stream. */
  retryMs?: number;
  /** Bound for each wait (convergence, commit, restart). */
  timeoutMs?: number;
}

export interface ProofResult {
  clients: number;
  replicas: number;
  /** Streams each replica held before the kill (from the merged fleet status). */
  streamsPerReplica: number[];
  initialConvergenceMs: number;
  /** Every replica served every node the same versions at the start. */
  versionsIdenticalAcrossReplicas: boolean;
  killed: { replica: string; pid: number };
  movedClients: number;
  stayedClients: number;
  /** Kill → every moved client holds every type again on its new stream. */
  reconvergeMs: number;
  reconvergeP50Ms: number;
  /** Moved clients whose versions after the reconnect differ from before the kill. */
  movedVersionChanges: number;
  /** Responses (any) and version changes the staying clients saw between the kill and the commit. */
  stayedResponses: number;
  stayedVersionChanges: number;
  /** NACKs in the fleet status of every replica, at the end. */
  nacks: number;
  /** Push of the commit → every client holds the new route version. */
  commitToAllClientsMs: number;
  /** Each surviving replica applied the commit and every one of its proxies ACKed it. */
  commitOnEveryReplica: boolean;
  restart: {
    /** Revision the restarted replica served with the remote unreachable. */
    applied: string | null;
    lastGood: string;
    /** Its versions equal what it served before the kill. */
    versionsAsBefore: boolean;
    /** The merged fleet status flagged it as on a different revision. */
    flagged: boolean;
    readyMs: number;
  };
  /** Remote back → the restarted replica serves the new revision, identical to the others. */
  catchUp: { ms: number; versionsIdentical: boolean };
  errors: string[];
}

const sameVersions = (a: Versions, b: Versions) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([t, v]) => b[t] === v);

function fleetNacks(fleet: FleetStatus): number {
  return fleet.proxies.reduce((n, p) => n + Object.keys(p.nacked).length, 0);
}

export async function runReplicaProof(o: ProofOptions, log: (s: string) => void): Promise<ProofResult> {
  const replicaCount = o.replicas ?? 3;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const errors: string[] = [];
  const root = mkdtempSync(join(tmpdir(), 'plexus-replicas-'));
  const token = `plexus-replicas-${randomBytes(12).toString('hex')}`;
  const tokenFile = join(root, 'git-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  let remote: RemoteRepo | undefined;
  let revived: { stop(): Promise<void> } | undefined;
  const replicas: Replica[] = [];
  let lb: LbEnvoy | undefined;
  let clients: LoadClients | undefined;
  try {
    remote = await startRemoteRepo(root, token);
    remote.clone.writeMesh({ red: 1, blue: 1, green: 1 });
    const first = remote.clone.commit('colorapp: even split');
    await remote.clone.push();

    for (let i = 0; i < replicaCount; i++) {
      replicas.push(
        await Replica.create(`replica-${i}`, {
          repoUrl: remote.url,
          tokenFile,
          workDir: root,
          pollIntervalMs: o.pollIntervalMs ?? 500,
        }),
      );
    }
    for (const r of replicas) r.start();
    for (const r of replicas) await r.ready(timeoutMs);
    log(
      `  ${replicaCount} replicas ready on ${first.slice(0, 12)} (pids ${replicas.map((r) => r.pid).join(', ')})`,
    );

    const initial = await Promise.all(
      replicas.map((r) => servedFleetVersions(`127.0.0.1:${r.xdsPort}`, NODES)),
    );
    const versionsIdenticalAcrossReplicas = NODES.every((n) =>
      initial.every((v) => sameVersions(v[n]!, initial[0]![n]!)),
    );
    if (!versionsIdenticalAcrossReplicas)
      errors.push(`replicas serve different versions: ${JSON.stringify(initial)}`);
    const required = (node: string) => Object.keys(initial[0]![node]!);

    lb = await startLbEnvoy(
      root,
      replicas.map((r) => r.xdsPort),
    );
    const nodes = Array.from({ length: o.clients }, (_, i) => NODES[i % NODES.length]!);
    const t0 = Date.now();
    clients = await LoadClients.start(lb.address, nodes, { procs: o.procs, retryMs: o.retryMs ?? 500 });
    const load = clients;
    const holds = (c: ClientState, stream = c.stream) => {
      const got = c.firstOnStream.get(stream);
      return c.open && required(c.node).every((t) => got?.has(t));
    };
    await waitFor(() => load.clients.every((c) => holds(c)), {
      timeoutMs,
      intervalMs: 20,
      what: `all ${o.clients} clients to hold their config through the load balancer`,
    });
    const initialConvergenceMs = Date.now() - t0;
    for (const c of load.clients) {
      const want = initial[0]![c.node]!;
      if (!sameVersions(c.versions, want)) {
        errors.push(
          `client ${c.idx} holds ${JSON.stringify(c.versions)}, replicas serve ${JSON.stringify(want)}`,
        );
        break;
      }
    }
    const before = await fetchFleetStatus(replicas.map((r) => r.url));
    const streamsPerReplica = replicas.map(
      (r) => before.proxies.filter((p) => p.replica === r.url && p.connected).length,
    );
    log(
      `  ${o.clients} clients hold their config after ${initialConvergenceMs} ms; streams per replica ${streamsPerReplica.join('/')}`,
    );

    // 4. kill -9 one replica
    const victim = replicas[0]!;
    const snapshot = new Map(
      load.clients.map((c) => [c.idx, { stream: c.stream, versions: { ...c.versions } }]),
    );
    const victimPid = victim.pid;
    const killAt = await victim.kill9();
    const onVictim = streamsPerReplica[0]!;
    await waitFor(
      () =>
        load.clients.filter((c) => !c.open || c.stream !== snapshot.get(c.idx)!.stream).length >= onVictim,
      { timeoutMs, intervalMs: 10, what: `the ${onVictim} streams of the killed replica to end` },
    );
    await waitFor(
      () =>
        load.clients.every((c) => {
          const s = snapshot.get(c.idx)!;
          return c.stream === s.stream ? c.open : holds(c);
        }),
      { timeoutMs, intervalMs: 10, what: "the killed replica's clients to hold their config again" },
    );
    // Let a late end of a stream show before the tallies (ends arrive within a health-check period).
    await new Promise((r) => setTimeout(r, 500));
    const moved = load.clients.filter((c) => c.stream !== snapshot.get(c.idx)!.stream);
    const stayed = load.clients.filter((c) => c.stream === snapshot.get(c.idx)!.stream);
    const reconverge = moved.map((c) => {
      const got = c.firstOnStream.get(c.stream)!;
      return Math.max(...required(c.node).map((t) => got.get(t)!.at)) - killAt;
    });
    const movedVersionChanges = moved.filter((c) => {
      const got = c.firstOnStream.get(c.stream)!;
      const was = snapshot.get(c.idx)!.versions;
      return required(c.node).some((t) => got.get(t)!.version !== was[t]);
    }).length;
    let stayedResponses = 0;
    let stayedVersionChanges = 0;
    for (const c of stayed) {
      const was = snapshot.get(c.idx)!.versions;
      for (const r of c.responses) {
        if (r.at < killAt) continue;
        stayedResponses++;
        if (r.version !== was[r.t]) stayedVersionChanges++;
      }
    }
    const reconvergeMs = moved.length ? Math.max(...reconverge) : 0;
    log(
      `  kill -9 ${victim.name} (pid ${victimPid}): ${moved.length} clients moved, re-converged in ${reconvergeMs} ms ` +
        `(p50 ${percentile(reconverge, 50)} ms); ${stayed.length} stayed, ${stayedResponses} responses to them`,
    );

    // 5. a commit reaches every client through every surviving replica
    const survivors = replicas.slice(1);
    const pushedAt = Date.now();
    const second = await remote.clone.commitAndPush({ red: 3, blue: 1, green: 0 }, 'colorapp: 3:1 red/blue');
    await waitFor(async () => (await survivors[0]!.status()).revision.applied === second, {
      timeoutMs,
      intervalMs: 20,
      what: `${survivors[0]!.name} to apply the commit`,
    });
    const expected = await servedFleetVersions(`127.0.0.1:${survivors[0]!.xdsPort}`, NODES);
    const changedNodes = NODES.filter((n) => !sameVersions(expected[n]!, initial[0]![n]!));
    if (changedNodes.length === 0) errors.push('the commit changed no node’s config');
    await waitFor(() => load.clients.every((c) => c.open && sameVersions(c.versions, expected[c.node]!)), {
      timeoutMs,
      intervalMs: 10,
      what: `the commit to reach every client (nodes changed: ${changedNodes.join(', ')})`,
    });
    const commitToAllClientsMs = Date.now() - pushedAt;
    let commitOnEveryReplica = false;
    await waitFor(
      async () => {
        const docs = await Promise.all(survivors.map((r) => r.status()));
        commitOnEveryReplica = docs.every(
          (d) =>
            d.revision.applied === second &&
            d.proxies.length > 0 &&
            d.proxies.filter((p) => p.connected).every((p) => p.revision === second),
        );
        return commitOnEveryReplica;
      },
      { timeoutMs, intervalMs: 50, what: 'every surviving replica to report the commit ACKed' },
    ).catch((err) => errors.push((err as Error).message));
    log(
      `  commit ${second.slice(0, 12)} (changes ${changedNodes.map((n) => n.split('/').at(-1)).join(', ')}) ` +
        `reached all ${o.clients} clients in ${commitToAllClientsMs} ms`,
    );

    // 6. the remote goes away; the killed replica restarts and serves its last good revision
    const gitPort = Number(new URL(remote.url).port);
    await remote.stop();
    const restartAt = Date.now();
    victim.start();
    await victim.ready(timeoutMs);
    const readyMs = Date.now() - restartAt;
    const restartedDoc = await victim.status();
    const restartedVersions = await servedFleetVersions(`127.0.0.1:${victim.xdsPort}`, NODES);
    const versionsAsBefore = NODES.every((n) => sameVersions(restartedVersions[n]!, initial[0]![n]!));
    const during = await fetchFleetStatus(replicas.map((r) => r.url));
    const flagged = during.replicas.find((r) => r.server === victim.url)?.differs === true;
    log(
      `  ${victim.name} restarted with the remote down: ready in ${readyMs} ms on ${restartedDoc.revision.applied?.slice(0, 12)} ` +
        `(last good ${first.slice(0, 12)}), versions as before the kill: ${versionsAsBefore}, flagged: ${flagged}`,
    );

    // 7. the remote comes back at the same URL: the replica catches up
    revived = await startGitHttpServer(join(root, 'served'), token, gitPort);
    const backAt = Date.now();
    await waitFor(async () => (await victim.status()).revision.applied === second, {
      timeoutMs,
      intervalMs: 50,
      what: `${victim.name} to catch up with the remote`,
    });
    const catchUpMs = Date.now() - backAt;
    const after = await Promise.all(
      replicas.map((r) => servedFleetVersions(`127.0.0.1:${r.xdsPort}`, NODES)),
    );
    const versionsIdentical = NODES.every((n) => after.every((v) => sameVersions(v[n]!, after[0]![n]!)));
    const end = await fetchFleetStatus(replicas.map((r) => r.url));
    if (!end.consistent) errors.push(`fleet not consistent at the end: ${JSON.stringify(end.replicas)}`);
    log(
      `  remote back: ${victim.name} caught up in ${catchUpMs} ms; versions identical on all replicas: ${versionsIdentical}`,
    );

    return {
      clients: o.clients,
      replicas: replicaCount,
      streamsPerReplica,
      initialConvergenceMs,
      versionsIdenticalAcrossReplicas,
      killed: { replica: victim.name, pid: victimPid },
      movedClients: moved.length,
      stayedClients: stayed.length,
      reconvergeMs,
      reconvergeP50Ms: percentile(reconverge, 50),
      movedVersionChanges,
      stayedResponses,
      stayedVersionChanges,
      nacks: fleetNacks(end),
      commitToAllClientsMs,
      commitOnEveryReplica,
      restart: {
        applied: restartedDoc.revision.applied,
        lastGood: first,
        versionsAsBefore,
        flagged,
        readyMs,
      },
      catchUp: { ms: catchUpMs, versionsIdentical },
      errors,
    };
  } catch (err) {
    const logs = replicas.map((r) => `--- ${r.name}\n${r.output().slice(-3000)}`).join('\n');
    throw new Error(`${(err as Error).message}\n${logs}\n--- lb\n${lb?.proc.output().slice(-2000) ?? ''}`);
  } finally {
    await clients?.stop();
    await lb?.stop();
    for (const r of replicas) await r.stop();
    await revived?.stop();
    await remote?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}
