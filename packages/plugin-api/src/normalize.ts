import type { Endpoint } from './endpoints.ts';

function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}

/** Endpoints sorted by address then port, one per address:port (first wins), so equal sets compare equal. */
export function normalizeEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const e of [...endpoints].sort(compareEndpoints)) {
    const k = `${e.address}|${e.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** Stable fingerprint of a normalized endpoint list (field order independent). */
export function endpointsFingerprint(endpoints: readonly Endpoint[]): string {
  return JSON.stringify(
    endpoints.map((e) => [
      e.address,
      e.port,
      e.zone ?? null,
      e.region ?? null,
      e.health,
      e.metadata ? Object.entries(e.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null,
    ]),
  );
}
