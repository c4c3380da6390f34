/**
 * bench:replicas — the replica proof at 1,000 load clients (bench/replicas/proof.ts): three `plexus run`
 * replicas on one remote repository behind a real Envoy TCP load balancer; kill -9 of one; a commit through
 * the survivors; a restart with the remote unreachable; the remote back. Each run starts everything afresh.
 * Figures go to bench/results/replicas.json and BENCHMARKS.md.
 *   npm run bench:replicas [-- --clients 1000 --runs 3 --no-write]
 */
import { parseArgs } from 'node:util';
import { type ProofResult, runReplicaProof } from './replicas/proof.ts';
import { loadAverage, machine } from './scale/proc-stats.ts';
import { type Figure, printFigures, spread, updateBenchmarksMd, writeResults } from './scale/report.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    procs: { type: 'string', default: '4' },
    'no-write': { type: 'boolean', default: false },
  },
});
const clients = Number(values.clients);
const runs = Number(values.runs);
const procs = Number(values.procs);
const command = 'npm run bench:replicas';

const fig = (figure: string, unit: string, xs: number[], goal?: string): Figure => ({
  figure,
  unit,
  goal,
  ...spread(xs),
});

const started = Date.now();
const load0 = loadAverage();
const host = machine();
console.log(
  `bench replicas: ${clients} load clients, 3 replicas, ${runs} runs; ${host}; load average ${load0}`,
);
const results: ProofResult[] = [];
const errors: string[] = [];
for (let i = 0; i < runs; i++) {
  console.log(`run ${i + 1}/${runs}:`);
  try {
    const r = await runReplicaProof({ clients, procs, timeoutMs: 120_000 }, (s) => console.log(s));
    results.push(r);
    errors.push(...r.errors.map((e) => `run ${i + 1}: ${e}`));
  } catch (err) {
    errors.push(`run ${i + 1}: ${(err as Error).stack ?? err}`);
  }
}
const load1 = loadAverage();
const all = <T>(f: (r: ProofResult) => T) => results.map(f);
const yes = (b: boolean) => (b ? 1 : 0);
const figures: Figure[] = [
  fig(
    'initial convergence through the load balancer',
    'ms',
    all((r) => r.initialConvergenceMs),
  ),
  fig(
    'versions identical across replicas (1 = yes)',
    'bool',
    all((r) => yes(r.versionsIdenticalAcrossReplicas)),
    '= 1',
  ),
  fig(
    'clients on the killed replica',
    'count',
    all((r) => r.movedClients),
  ),
  fig(
    'kill -9 → moved clients re-converged (max)',
    'ms',
    all((r) => r.reconvergeMs),
    '≤ 5000',
  ),
  fig(
    'kill -9 → moved clients re-converged (p50)',
    'ms',
    all((r) => r.reconvergeP50Ms),
  ),
  fig(
    'moved clients whose versions changed',
    'count',
    all((r) => r.movedVersionChanges),
    '= 0',
  ),
  fig(
    'responses to clients that stayed',
    'count',
    all((r) => r.stayedResponses),
    '= 0',
  ),
  fig(
    'version changes seen by clients that stayed',
    'count',
    all((r) => r.stayedVersionChanges),
    '= 0',
  ),
  fig(
    'NACKs in the fleet status',
    'count',
    all((r) => r.nacks),
    '= 0',
  ),
  fig(
    'commit pushed → every client holds it',
    'ms',
    all((r) => r.commitToAllClientsMs),
  ),
  fig(
    'commit ACKed through every surviving replica (1 = yes)',
    'bool',
    all((r) => yes(r.commitOnEveryReplica)),
    '= 1',
  ),
  fig(
    'restart with remote down → ready on last good revision',
    'ms',
    all((r) => r.restart.readyMs),
  ),
  fig(
    'restarted replica serves its pre-kill versions (1 = yes)',
    'bool',
    all((r) => yes(r.restart.versionsAsBefore && r.restart.applied === r.restart.lastGood)),
    '= 1',
  ),
  fig(
    'remote back → restarted replica caught up',
    'ms',
    all((r) => r.catchUp.ms),
  ),
  fig(
    'versions identical after catch-up (1 = yes)',
    'bool',
    all((r) => yes(r.catchUp.versionsIdentical)),
    '= 1',
  ),
];
console.log(`\nfigures (min/median/max over ${results.length} runs; load average ${load0} → ${load1}):`);
printFigures(figures);
if (!values['no-write'] && results.length > 0) {
  const path = writeResults('replicas', {
    command,
    machine: host,
    loadAverage: { start: load0, end: load1 },
    shape: { clients, replicas: 3, procs, runs, mesh: 'examples/colorapp (4 virtual nodes, 1 gateway)' },
    date: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    figures,
    raw: results,
    errors,
  });
  updateBenchmarksMd(
    `Replicas: ${command}`,
    command,
    host,
    figures,
    `Three \`plexus run\` replicas on one remote repository (git http-backend), a real Envoy TCP load balancer, ` +
      `${clients} raw SotW ADS load clients (colorapp's five identities); kill -9 of one replica, a commit, a restart ` +
      `with the remote unreachable, the remote back; replicas poll the remote every 500 ms; ${results.length} runs; load average ${load0} → ${load1} ` +
      `(machine shared). Raw: bench/results/replicas.json.`,
  );
  console.log(`\nwrote ${path} and BENCHMARKS.md`);
}
console.log(`\nreplicas finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (errors.length > 0) {
  console.error(`\n${errors.length} error(s):\n${errors.join('\n')}`);
  process.exit(1);
}
