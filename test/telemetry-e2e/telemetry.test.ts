/**
 * Mesh telemetry with real parts: the daemon, five real Envoys streaming their egress access logs to the xDS
 * port, and the test's own HTTP client. /metrics and the JSON API must count exactly what the client sent,
 * per edge in App Mesh's words; a failing backend's error rate must match what the client saw.
 */
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLORS, httpGet, nodeKey } from '../../scripts/demo/local-mesh.ts';
import { type MeshRun, promSeries, startMesh } from './mesh-run.ts';

let mesh: MeshRun;

beforeAll(async () => {
  mesh = await startMesh('telemetry-e2e');
});
afterAll(async () => {
  await mesh?.stop();
});

type Key = string;
/** Requests per (source, virtual service, route, target) and per class, from /metrics. */
async function requestsByEdge(): Promise<Map<Key, { total: number; errors: number }>> {
  const text = await (await fetch(`${mesh.http}/metrics`)).text();
  const out = new Map<Key, { total: number; errors: number }>();
  for (const s of promSeries(text, 'plexus_mesh_requests_total')) {
    const l = s.labels;
    const k = [l.virtual_gateway || l.virtual_node, l.virtual_service, l.route, l.target_virtual_node].join(
      ' ',
    );
    expect(l.mesh).toBe('colorapp');
    const e = out.get(k) ?? { total: 0, errors: 0 };
    e.total += s.value;
    if (l.response_class === '5xx' || l.response_class === 'none') e.errors += s.value;
    out.set(k, e);
  }
  return out;
}

/** The counts once earlier traffic's access logs have all arrived (Envoy flushes every second). */
async function settledCounts(): Promise<Map<Key, { total: number; errors: number }>> {
  let last = JSON.stringify([...(await requestsByEdge())]);
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await requestsByEdge();
    const s = JSON.stringify([...now]);
    if (s === last) return now;
    last = s;
  }
}

function delta(
  after: Map<Key, { total: number; errors: number }>,
  before: Map<Key, { total: number; errors: number }>,
) {
  const out: Record<Key, { total: number; errors: number }> = {};
  for (const [k, v] of after) {
    const b = before.get(k) ?? { total: 0, errors: 0 };
    if (v.total - b.total > 0) out[k] = { total: v.total - b.total, errors: v.errors - b.errors };
  }
  return out;
}

/** `n` GETs through the gateway, `concurrency` at a time; counts by color and status as the client saw them. */
async function send(n: number, concurrency = 4) {
  const seen: Record<string, { ok: number; failed: number }> = {};
  let left = n;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const r = await httpGet(mesh.run.ports.gateway);
        seen[r.body] ??= { ok: 0, failed: 0 };
        const c = seen[r.body]!;
        if (r.status === 200) c.ok++;
        else c.failed++;
      }
    }),
  );
  return seen;
}

const FRONT_EDGE = 'ingress-gw front.colorapp.local  front';
const colorEdge = (c: string) => `front colorteller.colorapp.local colors colorteller-${c}`;

describe('mesh telemetry from real Envoys', () => {
  it('/metrics per-edge series count exactly the requests the client sent', async () => {
    const before = await settledCounts();
    const seen = await send(60);
    expect(Object.values(seen).reduce((a, c) => a + c.ok + c.failed, 0)).toBe(60);
    let d: ReturnType<typeof delta> = {};
    await waitFor(
      async () => {
        d = delta(await requestsByEdge(), before);
        const colors = COLORS.reduce((a, c) => a + (d[colorEdge(c)]?.total ?? 0), 0);
        return d[FRONT_EDGE]?.total === 60 && colors === 60;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the access logs of 60 requests at the daemon' },
    );
    expect(d[FRONT_EDGE]).toEqual({ total: 60, errors: 0 });
    for (const c of COLORS) expect(d[colorEdge(c)]?.total ?? 0, c).toBe(seen[c]?.ok ?? 0);
    expect(Object.keys(d).sort()).toEqual(
      [FRONT_EDGE, ...COLORS.filter((c) => seen[c]).map(colorEdge)].sort(),
    );

    const json = (await (await fetch(`${mesh.http}/api/v1/telemetry/edges?window=60`)).json()) as {
      edges: {
        source: { name: string };
        virtualService: string;
        route: string;
        targetVirtualNode: string;
        total: { requests: number };
        window: { latencyMs: { p50: number; p99: number } | null };
      }[];
    };
    const gw = json.edges.find((e) => e.source.name === 'ingress-gw');
    expect(gw).toMatchObject({
      virtualService: 'front.colorapp.local',
      route: '',
      targetVirtualNode: 'front',
    });
    expect(gw!.total.requests).toBeGreaterThanOrEqual(60);
    expect(gw!.window.latencyMs!.p99).toBeGreaterThanOrEqual(gw!.window.latencyMs!.p50);
  });

  it("a failing backend's edge carries its error rate within ±5% of what the client counted", async () => {
    mesh.run.faults.red.fails = (hit) => hit % 3 !== 0; // about two in three of red's replies are 500s
    try {
      const before = await settledCounts();
      const seen = await send(150);
      const red = seen.red!;
      const truth = red.failed / (red.ok + red.failed);
      let d: ReturnType<typeof delta> = {};
      await waitFor(
        async () => {
          d = delta(await requestsByEdge(), before);
          return d[colorEdge('red')]?.total === red.ok + red.failed;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: "red's requests at the daemon" },
      );
      const measured = d[colorEdge('red')]!.errors / d[colorEdge('red')]!.total;
      expect(Math.abs(measured - truth)).toBeLessThanOrEqual(0.05);
      expect(d[colorEdge('blue')]?.errors ?? 0).toBe(0);
      // The gateway's edge sees the same failures, passed back by front.
      expect(d[FRONT_EDGE]!.errors).toBe(red.failed);
    } finally {
      mesh.run.faults.red.fails = undefined;
    }
  });

  it("Envoy's own stats carry App Mesh's tags (ENABLE_ENVOY_STATS_TAGS)", async () => {
    const admin = mesh.run.ports.admin[nodeKey('front')];
    const text = await (await fetch(`http://127.0.0.1:${admin}/stats/prometheus`)).text();
    expect(text).toMatch(/envoy_cluster_upstream_rq_total\{[^}]*appmesh_mesh="colorapp"/);
    expect(text).toMatch(/appmesh_virtual_node="front"/);
  });

  it('a proxy that cannot connect upstream shows up with its Envoy response flag (UF)', async () => {
    await mesh.run.envoys.get(nodeKey('colorteller-blue'))!.stop();
    await send(30);
    await waitFor(
      async () => {
        const text = await (await fetch(`${mesh.http}/metrics`)).text();
        return promSeries(text, 'plexus_mesh_response_flags_total').some(
          (s) =>
            s.labels.target_virtual_node === 'colorteller-blue' &&
            s.labels.response_flag === 'UF' &&
            s.value > 0,
        );
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'a UF flag on the edge to colorteller-blue' },
    );
  });
});
