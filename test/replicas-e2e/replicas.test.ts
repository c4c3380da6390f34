/**
 * Replicas without a leader, at test size (50 load clients; `npm run bench:replicas` runs the same proof with
 * 1,000): three `plexus run` processes on one remote repository (real git http-backend) behind a real Envoy
 * TCP load balancer; kill -9 of one replica; a commit through the survivors; a restart with the remote
 * unreachable; the remote back. See bench/replicas/proof.ts for the steps.
 */
import { describe, expect, it } from 'vitest';
import { type ProofResult, runReplicaProof } from '../../bench/replicas/proof.ts';

describe('replicas behind a TCP load balancer', () => {
  let r: ProofResult;

  it('runs the proof: kill -9, commit, restart with the remote down, remote back', async () => {
    r = await runReplicaProof({ clients: 50, procs: 1, timeoutMs: 45_000 }, (s) => console.log(s));
    expect(r.errors).toEqual([]);
  }, 240_000);

  it('every replica serves every node the same versions, also after a restart and a catch-up', () => {
    expect(r.versionsIdenticalAcrossReplicas).toBe(true);
    expect(r.restart.versionsAsBefore).toBe(true);
    expect(r.catchUp.versionsIdentical).toBe(true);
  });

  it('the balancer spread the clients over all three replicas', () => {
    expect(r.streamsPerReplica).toHaveLength(3);
    for (const n of r.streamsPerReplica) expect(n).toBeGreaterThan(0);
    expect(r.streamsPerReplica.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it("the killed replica's clients moved and re-converged within 5 s with unchanged versions", () => {
    expect(r.movedClients).toBe(r.streamsPerReplica[0]);
    expect(r.reconvergeMs).toBeLessThan(5000);
    expect(r.movedVersionChanges).toBe(0);
  });

  it('the clients that stayed saw no response and no version change; nobody NACKed', () => {
    expect(r.stayedClients).toBe(50 - r.movedClients);
    expect(r.stayedResponses).toBe(0);
    expect(r.stayedVersionChanges).toBe(0);
    expect(r.nacks).toBe(0);
  });

  it('a commit reached every client through every surviving replica', () => {
    expect(r.commitOnEveryReplica).toBe(true);
    expect(r.commitToAllClientsMs).toBeGreaterThan(0);
  });

  it('restarted with the remote unreachable, the replica served its last good revision and was flagged', () => {
    expect(r.restart.applied).toBe(r.restart.lastGood);
    expect(r.restart.flagged).toBe(true);
  });
});
