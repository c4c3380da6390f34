/**
 * Tracing configured from Git, with real parts: a commit adds OpenTelemetry tracing to the Mesh (a Plexus
 * extension), the daemon renders it into every Envoy's HTTP connection managers, and one request through
 * gateway → front → colorteller arrives at the test's OTLP/gRPC receiver as one trace with a span per hop. A
 * commit that sets sampling to 0 stops the spans.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../scripts/demo/local-mesh.ts';
import { type MeshRun, startMesh } from './mesh-run.ts';
import { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.ts';

let mesh: MeshRun;
let otlp: OtlpReceiver;
let meshFile: string;
let original: string;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  mesh = await startMesh('tracing-e2e');
  meshFile = join(mesh.run.repo, 'mesh/mesh.yaml');
  original = readFileSync(meshFile, 'utf8');
});
afterAll(async () => {
  await mesh?.stop();
  await otlp?.stop();
});

function tracing(sampling: number): string {
  return `extensions:
  tracing:
    provider: openTelemetry
    samplingPercentage: ${sampling}
    collector: { address: 127.0.0.1, port: ${otlp.port} }
`;
}

// Envoy's OpenTelemetry tracer flushes every 5 s.
const FLUSH_MS = 5000;
/** The tracing block lives in each HCM: connections opened before the commit drain to the new listeners (2 s). */
const drained = () => new Promise((res) => setTimeout(res, 3000));

describe('tracing from the Mesh spec', () => {
  it('one request through gateway → front → colorteller is one trace with a span per hop', async () => {
    writeFileSync(meshFile, original);
    appendFileSync(meshFile, tracing(100));
    await mesh.commit('trace everything');
    await drained();
    const r = await httpGet(mesh.run.ports.gateway);
    expect(r.status).toBe(200);
    const color = r.body;
    await waitFor(() => new Set(otlp.spans.map((s) => s.service)).size >= 3 && otlp.spans.length >= 5, {
      timeoutMs: 4 * FLUSH_MS,
      intervalMs: 200,
      what: 'spans from the gateway, front and colorteller',
    });
    // Let every proxy's last batch in before counting.
    await new Promise((res) => setTimeout(res, FLUSH_MS + 500));
    const traces = new Set(otlp.spans.map((s) => s.traceId));
    expect(traces.size, JSON.stringify(otlp.spans, null, 1)).toBe(1);
    const byService: Record<string, number> = {};
    for (const s of otlp.spans) byService[s.service] = (byService[s.service] ?? 0) + 1;
    // Each proxy's HTTP connection managers: the gateway's listener and its self-redirect hop, front's
    // inbound and outbound, and the colorteller's inbound.
    expect(byService).toEqual({
      'colorapp/ingress-gw': 2,
      'colorapp/front': 2,
      [`colorapp/colorteller-${color}`]: 1,
    });
    // One tree: every span but the root has its parent in the trace.
    const ids = new Set(otlp.spans.map((s) => s.spanId));
    const roots = otlp.spans.filter((s) => !ids.has(s.parentSpanId));
    expect(roots.map((s) => s.service)).toEqual(['colorapp/ingress-gw']);
  });

  it('a commit that turns sampling off stops the spans', async () => {
    writeFileSync(meshFile, original);
    appendFileSync(meshFile, tracing(0));
    await mesh.commit('no more tracing');
    await drained();
    await new Promise((res) => setTimeout(res, FLUSH_MS + 500));
    const before = otlp.spans.length;
    for (let i = 0; i < 20; i++) expect((await httpGet(mesh.run.ports.gateway)).status).toBe(200);
    await new Promise((res) => setTimeout(res, 2 * FLUSH_MS + 500));
    expect(otlp.spans.length).toBe(before);
  });
});
