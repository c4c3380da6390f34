/**
 * The status of a fleet of replicas (several `plexus run` on one repository): each replica's
 * GET /api/v1/status merged into one view, with the replicas whose applied revision differs from the fleet's
 * flagged. `plexus status --server A --server B` and the console use it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ProxyStatus, StatusDocument } from './status.ts';

/** What one replica answered, or why it did not. */
export type ReplicaAnswer = { server: string; doc: StatusDocument } | { server: string; error: string };

export interface ReplicaSummary {
  server: string;
  reachable: boolean;
  /** Why the replica could not be read. */
  error?: string;
  applied: string | null;
  attempted: string | null;
  /** The replica's last revision error, one line. */
  revisionError?: string;
  proxies: number;
  /** Reachable, and its applied revision is not the fleet's. */
  differs: boolean;
}

export interface FleetProxy extends ProxyStatus {
  /** The replica whose status listed this proxy. */
  replica: string;
}

export interface FleetStatus {
  /** The revision most reachable replicas applied (ties: the first replica's); null if none applied one. */
  revision: string | null;
  /** Every reachable replica applied the same revision, and every replica was reachable. */
  consistent: boolean;
  replicas: ReplicaSummary[];
  /** Every proxy of every replica, connected ones first, then by node. */
  proxies: FleetProxy[];
}

function errorLine(doc: StatusDocument): string | undefined {
  const e = doc.revision.error;
  if (!e) return undefined;
  const where = e.file ? `${e.file}:${e.line ?? 0}:${e.col ?? 0}: ` : '';
  return `${e.revision}: ${where}${e.field ? `${e.field}: ` : ''}${e.message}`;
}

/** Merges the replicas' answers (pure: no I/O). */
export function mergeFleetStatus(answers: readonly ReplicaAnswer[]): FleetStatus {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const applied = 'doc' in a ? a.doc.revision.applied : null;
    if (applied) counts.set(applied, (counts.get(applied) ?? 0) + 1);
  }
  let revision: string | null = null;
  for (const [rev, n] of counts) if (revision === null || n > (counts.get(revision) ?? 0)) revision = rev;

  const replicas: ReplicaSummary[] = answers.map((a) => {
    if (!('doc' in a)) {
      return {
        server: a.server,
        reachable: false,
        error: a.error,
        applied: null,
        attempted: null,
        proxies: 0,
        differs: false,
      };
    }
    const { applied, attempted } = a.doc.revision;
    return {
      server: a.server,
      reachable: true,
      applied,
      attempted,
      revisionError: errorLine(a.doc),
      proxies: a.doc.proxies.length,
      differs: applied !== revision,
    };
  });
  const proxies: FleetProxy[] = answers
    .flatMap((a) => ('doc' in a ? a.doc.proxies.map((p) => ({ ...p, replica: a.server })) : []))
    .sort(
      (x, y) =>
        Number(y.connected) - Number(x.connected) ||
        x.node.localeCompare(y.node) ||
        x.replica.localeCompare(y.replica),
    );
  return {
    revision,
    consistent: replicas.every((r) => r.reachable && !r.differs),
    replicas,
    proxies,
  };
}

/**
 * The replica URLs behind `servers`: a URL whose host is a name resolving to several addresses (a headless
 * Service, a DNS round-robin name) stands for one replica per address.
 */
export async function expandReplicaUrls(
  servers: readonly string[],
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<string[]> {
  const out: string[] = [];
  for (const s of servers) {
    const url = new URL(s);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await resolve(host).catch(() => [host]);
    if (addresses.length <= 1) {
      out.push(s.replace(/\/$/, ''));
      continue;
    }
    for (const addr of [...new Set(addresses)].sort()) {
      const u = new URL(s);
      u.hostname = isIP(addr) === 6 ? `[${addr}]` : addr;
      out.push(u.toString().replace(/\/$/, ''));
    }
  }
  return [...new Set(out)];
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((a) => a.address);
}

export interface FetchStatusOptions {
  /** Per replica. Default 5000 ms. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/** Reads /api/v1/status of each replica URL as it is (no DNS expansion), each bounded by `timeoutMs`. */
export function fetchReplicaStatuses(
  urls: readonly string[],
  { timeoutMs = 5000, headers }: FetchStatusOptions = {},
): Promise<ReplicaAnswer[]> {
  return Promise.all(
    urls.map(async (server): Promise<ReplicaAnswer> => {
      try {
        const res = await fetch(`${server}/api/v1/status`, {
          signal: AbortSignal.timeout(timeoutMs),
          headers,
        });
        if (!res.ok) return { server, error: `HTTP ${res.status}` };
        return { server, doc: (await res.json()) as StatusDocument };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        return { server, error: e.cause?.code ?? e.cause?.message ?? e.message };
      }
    }),
  );
}

/** Expands `servers` to replicas, reads every one and merges them. */
export async function fetchFleetStatus(
  servers: readonly string[],
  options: FetchStatusOptions = {},
): Promise<FleetStatus> {
  return mergeFleetStatus(await fetchReplicaStatuses(await expandReplicaUrls(servers), options));
}
