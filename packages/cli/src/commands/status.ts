import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_HTTP_LISTEN,
  expandReplicaUrls,
  type FleetStatus,
  fetchReplicaStatuses,
  mergeFleetStatus,
  type StatusDocument,
} from '@plexus/daemon';
import { TYPE } from '@plexus/translate';
import type { Command } from '../main.ts';

const usage = `usage: plexus status [--server URL]... [--format table|json] [--admin-token-file FILE]

Shows what the daemon serves (default server http://${DEFAULT_HTTP_LISTEN}): the applied and attempted
revision, the last error, and per proxy its node, revision and, per xDS type, SYNCED (ACKed the current
revision), STALE (behind or disconnected), NACKED (rejected; the message is shown) or - (never sent).
Replicas: give --server once per replica, or one URL whose host name resolves to every replica (a headless
Service): their proxies are merged, and a replica on a different revision (or unreachable) is flagged.
A daemon whose HTTP listener is not on loopback wants an admin token: --admin-token-file, or PLEXUS_ADMIN_TOKEN.

Proxies connected under a node id the applied revision does not define are listed as WAITING.`;

const TYPES: Array<[string, string]> = [
  ['LDS', TYPE.listener],
  ['RDS', TYPE.route],
  ['CDS', TYPE.cluster],
  ['EDS', TYPE.endpoint],
  ['SDS', TYPE.secret],
];

function cell(p: StatusDocument['proxies'][number], typeUrl: string, applied: string | null): string {
  if (p.nacked[typeUrl]) return 'NACKED';
  if (p.acked[typeUrl] === undefined) return '-';
  return p.connected && p.revision === applied ? 'SYNCED' : 'STALE';
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** One row per source (multi-source daemons): owner, applied and attempted revision, then each refusal. */
function formatSources(sources: NonNullable<StatusDocument['sources']>): string[] {
  const short = (r: string | null) => (r ? r.slice(0, 12) : '-');
  const rows = [['SOURCE', 'OWNER', 'APPLIED', 'ATTEMPTED', 'STATE', 'REPO']];
  for (const s of sources) {
    const state = s.revision.error
      ? 'REFUSED'
      : s.fetchError
        ? 'FETCH-ERROR'
        : s.revision.applied
          ? 'OK'
          : '-';
    rows.push([s.name, s.owner, short(s.revision.applied), short(s.revision.attempted), state, s.repo]);
  }
  const lines = table(rows);
  for (const s of sources) {
    if (s.fetchError) lines.push(`  ${s.name}: ${s.fetchError}`);
    const e = s.revision.error;
    if (!e) continue;
    lines.push(`  ${s.name} ${e.revision}: ${e.message}`);
    for (const line of e.errors) if (line !== e.message) lines.push(`    ${line}`);
  }
  return lines;
}

/** The status table, like `istioctl proxy-status`. */
export function formatStatus(doc: StatusDocument): string {
  const { applied, attempted, error } = doc.revision;
  const lines = [`REVISION applied ${applied ?? '(none)'}, attempted ${attempted ?? '(none)'}`];
  if (error) {
    const where = error.file ? `${error.file}:${error.line ?? 0}:${error.col ?? 0}: ` : '';
    lines.push(
      `ERROR    ${error.revision}: ${where}${error.field ? `${error.field}: ` : ''}${error.message}`,
    );
    for (const e of error.errors.slice(1)) lines.push(`         ${e}`);
  }
  if (doc.sources) lines.push('', ...formatSources(doc.sources));
  lines.push('');
  const rows = [['NODE', 'CONNECTED', 'REVISION', ...TYPES.map(([t]) => t)]];
  for (const p of doc.proxies) {
    rows.push([
      p.node,
      p.connected ? 'yes' : 'no',
      p.revision ?? '-',
      ...TYPES.map(([, url]) => cell(p, url, applied)),
    ]);
  }
  lines.push(...table(rows));
  const nacks = doc.proxies.flatMap((p) =>
    Object.entries(p.nacked).map(
      ([url, n]) => `  ${p.node} ${url.split('.').at(-1)} ${n.version}: ${n.message}`,
    ),
  );
  if (nacks.length) lines.push('', 'NACKS', ...nacks);
  const waiting = doc.proxies.filter((p) => p.waiting).map((p) => `  ${p.node}: ${p.waiting}`);
  if (waiting.length)
    lines.push('', 'WAITING (connected, no config until a commit defines them)', ...waiting);
  if (doc.rollouts?.length) lines.push('', ...formatRollouts(doc.rollouts));
  return `${lines.join('\n')}\n`;
}

/** One row per Rollout (phase, step, weights, the canary edge as the last gate check saw it), then why. */
export function formatRollouts(rollouts: NonNullable<StatusDocument['rollouts']>): string[] {
  const rows = [
    ['ROLLOUT', 'ROUTE', 'PHASE', 'STEP', 'CANARY', 'CANARY ERRORS', 'CANARY P99', 'LAST COMMIT'],
  ];
  for (const r of rollouts) {
    const c = r.gate?.canary;
    rows.push([
      `${r.mesh}/${r.name}`,
      r.route,
      r.phase,
      `${r.step}/${r.steps}`,
      `${r.canary} ${r.canaryWeight}%`,
      c && c.requests > 0 ? `${(c.errorRate * 100).toFixed(1)}% of ${c.requests}` : '-',
      c?.p99Ms != null ? `${Math.round(c.p99Ms)} ms` : '-',
      r.commits.at(-1)?.commit.slice(0, 12) ?? '-',
    ]);
  }
  return [...table(rows), ...rollouts.map((r) => `  ${r.mesh}/${r.name}: ${r.message}`)];
}

/** Several replicas: one line per replica (flagged when it differs or is unreachable), then every proxy. */
export function formatFleetStatus(fleet: FleetStatus): string {
  const lines = [
    `FLEET    ${fleet.replicas.length} replicas, revision ${fleet.revision ?? '(none)'}${fleet.consistent ? '' : ' — NOT CONSISTENT'}`,
    '',
  ];
  const replicaRows = [['REPLICA', 'APPLIED', 'ATTEMPTED', 'PROXIES', 'STATE']];
  for (const r of fleet.replicas) {
    const state = !r.reachable
      ? `UNREACHABLE: ${r.error}`
      : r.differs
        ? 'DIFFERENT REVISION'
        : r.revisionError
          ? `ERROR ${r.revisionError}`
          : 'ok';
    replicaRows.push([r.server, r.applied ?? '-', r.attempted ?? '-', String(r.proxies), state]);
  }
  lines.push(...table(replicaRows), '');
  const rows = [['NODE', 'REPLICA', 'CONNECTED', 'REVISION', ...TYPES.map(([t]) => t)]];
  for (const p of fleet.proxies) {
    rows.push([
      p.node,
      p.replica,
      p.connected ? 'yes' : 'no',
      p.revision ?? '-',
      ...TYPES.map(([, url]) => cell(p, url, fleet.revision)),
    ]);
  }
  lines.push(...table(rows));
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  summary: 'show the applied revision and each proxy’s sync state (like istioctl proxy-status)',
  usage,
  async run(argv) {
    let values: { server?: string[]; format?: string; 'admin-token-file'?: string };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          server: { type: 'string', multiple: true },
          format: { type: 'string' },
          'admin-token-file': { type: 'string' },
        },
        strict: true,
      }));
    } catch (err) {
      console.error(`plexus status: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (values.format !== undefined && !['table', 'json'].includes(values.format)) {
      console.error(`plexus status: --format must be one of table, json (got '${values.format}')\n${usage}`);
      return 2;
    }
    const servers = values.server ?? [`http://${DEFAULT_HTTP_LISTEN}`];
    for (const s of servers) {
      if (!URL.canParse(s)) {
        console.error(`plexus status: --server: expected a URL like http://host:9090, got '${s}'`);
        return 2;
      }
    }
    // beyond loopback the daemon wants an admin token (README "Securing Plexus")
    const tokenFile = values['admin-token-file'];
    let token: string | undefined;
    try {
      token = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : process.env.PLEXUS_ADMIN_TOKEN;
    } catch (err) {
      console.error(`plexus status: --admin-token-file: ${(err as Error).message}`);
      return 2;
    }
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const answers = await fetchReplicaStatuses(await expandReplicaUrls(servers), { headers });
    if (answers.length > 1) {
      const fleet = mergeFleetStatus(answers);
      if (fleet.replicas.every((r) => !r.reachable)) {
        for (const r of fleet.replicas) console.error(`plexus status: cannot read ${r.server}: ${r.error}`);
        return 1;
      }
      console.log(
        values.format === 'json' ? JSON.stringify(fleet, null, 2) : formatFleetStatus(fleet).trimEnd(),
      );
      return 0;
    }
    const only = answers[0]!;
    if (!('doc' in only)) {
      console.error(`plexus status: cannot read ${only.server}/api/v1/status: ${only.error}`);
      return 1;
    }
    const doc: StatusDocument = only.doc;
    console.log(values.format === 'json' ? JSON.stringify(doc, null, 2) : formatStatus(doc).trimEnd());
    return 0;
  },
};
