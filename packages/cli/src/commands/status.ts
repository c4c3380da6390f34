import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_LISTEN, type StatusDocument } from '@plexus/daemon';
import { TYPE } from '@plexus/translate';
import type { Command } from '../main.ts';

const usage = `usage: plexus status [--server URL] [--format table|json]

Shows what the daemon serves (default server http://${DEFAULT_HTTP_LISTEN}): the applied and attempted
revision, the last error, and per proxy its node, revision and, per xDS type, SYNCED (ACKed the current
revision), STALE (behind or disconnected), NACKED (rejected; the message is shown) or - (never sent).
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
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    lines.push(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  const nacks = doc.proxies.flatMap((p) =>
    Object.entries(p.nacked).map(
      ([url, n]) => `  ${p.node} ${url.split('.').at(-1)} ${n.version}: ${n.message}`,
    ),
  );
  if (nacks.length) lines.push('', 'NACKS', ...nacks);
  const waiting = doc.proxies.filter((p) => p.waiting).map((p) => `  ${p.node}: ${p.waiting}`);
  if (waiting.length)
    lines.push('', 'WAITING (connected, no config until a commit defines them)', ...waiting);
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  summary: 'show the applied revision and each proxy’s sync state (like istioctl proxy-status)',
  usage,
  async run(argv) {
    let values: { server?: string; format?: string };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { server: { type: 'string' }, format: { type: 'string' } },
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
    const server = (values.server ?? `http://${DEFAULT_HTTP_LISTEN}`).replace(/\/$/, '');
    let doc: StatusDocument;
    try {
      const res = await fetch(`${server}/api/v1/status`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as StatusDocument;
    } catch (err) {
      console.error(`plexus status: cannot read ${server}/api/v1/status: ${(err as Error).message}`);
      return 1;
    }
    console.log(values.format === 'json' ? JSON.stringify(doc, null, 2) : formatStatus(doc).trimEnd());
    return 0;
  },
};
