import { afterAll, expect, it } from 'vitest';
import { type AdsGateway, close, get, namedBackend, policy, ports, RED, startAdsGateway } from './gateway.ts';

/**
 * Slow start through a real Envoy fed by Plexus's xDS server: red runs on one endpoint, then discovery reports a
 * second. Requests are counted in consecutive batches: the new endpoint's share of a batch starts near the
 * policy's minimum and reaches an even split once its window has passed. Batches are labelled by the time since
 * the new endpoint was ACKed; the ramp is read from the counts, not from waiting.
 */
const WINDOW_S = 6;
const BATCH = 100;
let gw: AdsGateway | undefined;
const backends: Array<Awaited<ReturnType<typeof namedBackend>>> = [];

afterAll(async () => {
  await gw?.stop();
  await Promise.all(backends.map((b) => close(b.server)));
});

it('a new endpoint ramps from its minimum share to an even split over the window', async () => {
  const p = await ports();
  const [old, fresh] = [await namedBackend('old'), await namedBackend('new')];
  backends.push(old, fresh);
  const ep = (port: number) => ({ address: '127.0.0.1', port, health: 'healthy' as const });
  gw = await startAdsGateway(
    p,
    policy('TrafficPolicy', 'slow', RED, `  slowStart: { window: ${WINDOW_S}s, minWeightPercent: 10 }\n`),
    { endpoints: { red: [ep(old.port)] } },
  );
  expect((await get(p.gateway, '/warm')).text).toBe('old');
  // Envoy ramps every host younger than the window, the first one too: let the old endpoint grow out of it
  // before the new one comes (a precondition, not what the test proves).
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000 + 500));

  await gw.setEndpoints({ red: [ep(old.port), ep(fresh.port)] });
  const added = Date.now();
  const batches: Array<{ atS: number; share: number }> = [];
  for (;;) {
    let toNew = 0;
    for (let i = 0; i < BATCH; i++) {
      const r = await get(p.gateway, `/b/${i}`);
      expect(r.status).toBe(200);
      if (r.text === 'new') toNew++;
    }
    const atS = (Date.now() - added) / 1000;
    batches.push({ atS, share: toNew / BATCH });
    if (atS > WINDOW_S + 2) break;
  }
  if (process.env.PLEXUS_SHOW_RAMP)
    console.log(batches.map((b) => `${b.atS.toFixed(1)}s:${Math.round(b.share * 100)}%`).join(' '));
  const first = batches[0]!;
  const last = batches.at(-1)!;
  const summary = batches.map((b) => `${b.atS.toFixed(1)}s:${Math.round(b.share * 100)}%`).join(' ');
  // Just added: weight max(10 %, t/window) of the old endpoint's, so well under a third of the traffic.
  expect(first.share, summary).toBeLessThan(0.3);
  // Past the window: an even split (±15 points).
  expect(last.share, summary).toBeGreaterThan(0.35);
  expect(last.share, summary).toBeLessThan(0.65);
  // In between it grows: the batches of the window's second half take more than those of its first.
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const early = mean(batches.filter((b) => b.atS < WINDOW_S / 2).map((b) => b.share));
  const late = mean(batches.filter((b) => b.atS >= WINDOW_S / 2 && b.atS < WINDOW_S).map((b) => b.share));
  expect(late, summary).toBeGreaterThan(early);
}, 90_000);
