/**
 * The web console with real parts: headless Chromium (Debian's, via playwright-core) on the daemon's /ui while
 * five real Envoys carry the test's own traffic. The graph shows colorapp; a weight commit changes the drawn
 * weights and the traffic split within 2 s; a failing backend's edge turns red with the error rate the client
 * counted (±5%). Screenshots of each view go to test/console-e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitAll, httpGet, setWeights } from '../../scripts/demo/local-mesh.ts';
import { type MeshRun, startMesh } from '../telemetry-e2e/mesh-run.ts';
import { chromiumMissing, launchBrowser } from './browser.ts';

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
const missing = chromiumMissing();

let mesh: MeshRun;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let stopTraffic = false;
let traffic: Promise<void>;
/** What the test's client saw, per color: replies and failed replies, with the time of each. */
const seen: { at: number; color: string; ok: boolean; ms: number }[] = [];

const ROUTE = (c: string) => `vr:colorapp/colorteller/colors->vn:colorapp/colorteller-${c}`;

async function edgeRow(id: string) {
  // Runs in the page: typed structurally, the test program has no DOM lib.
  type El = { dataset: Record<string, string | undefined>; querySelector(s: string): El };
  return page.locator(`#edges tr[data-edge="${id}"]`).evaluate((tr: El) => ({
    state: tr.dataset.state,
    requests: Number(tr.dataset.requests),
    errorRate: Number(tr.dataset.errorRate),
    trafficShare: Number(tr.dataset.trafficShare),
    share: Number(tr.querySelector('[data-share]').dataset.share),
  }));
}

async function until<T>(
  f: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await f();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** Waits until the locator's text matches (playwright-core has no test matchers). */
async function text(l: Locator, want: string | RegExp, timeoutMs = 10_000): Promise<string> {
  return until(
    async () => ((await l.count()) > 0 ? ((await l.first().textContent()) ?? '') : ''),
    (t) => (typeof want === 'string' ? t.includes(want) : want.test(t)),
    timeoutMs,
    `text ${want}`,
  );
}

async function attr(l: Locator, name: string, want: string): Promise<void> {
  await until(
    () => l.getAttribute(name),
    (v) => v === want,
    10_000,
    `${l} ${name}=${want}`,
  ).catch(async (e) => {
    const active = await page.evaluate('document.activeElement?.id || document.activeElement?.tagName');
    throw new Error(`${(e as Error).message} (focus on ${active})`);
  });
}

function summary(since: number) {
  const out: Record<string, number> = {};
  for (const s of seen) if (s.at >= since) out[`${s.color}:${s.ok}`] = (out[`${s.color}:${s.ok}`] ?? 0) + 1;
  const slow = seen.filter((s) => s.at >= since && s.ms > 300).map((s) => `${s.at - since}:${s.ms}ms`);
  return { ...out, slow: slow.length, slowest: slow.slice(0, 8).join(' ') };
}

beforeAll(async () => {
  if (missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  mesh = await startMesh('console-e2e');
  traffic = (async () => {
    const worker = async () => {
      while (!stopTraffic) {
        const start = Date.now();
        const r = await httpGet(mesh.run.ports.gateway);
        seen.push({
          at: Date.now(),
          color: r.body.slice(0, 60),
          ok: r.status === 200,
          ms: Date.now() - start,
        });
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    await Promise.all([worker(), worker()]);
  })();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.goto(`${mesh.http}/ui/`);
  await page.selectOption('#window', '1');
});

afterAll(async () => {
  stopTraffic = true;
  await traffic;
  await browser?.close();
  await mesh?.stop();
});

describe.skipIf(missing !== undefined)('web console in Chromium', () => {
  it('the graph shows colorapp: gateway, services, router, nodes and live traffic', async () => {
    await text(page.locator('#live'), 'live', 20_000);
    const nodes = await page.locator('#node-list button').allTextContents();
    expect(nodes).toEqual(
      expect.arrayContaining([
        'ingress-gw (gateway)',
        'front.colorapp.local (service)',
        'colorteller.colorapp.local (service)',
        'colorteller (router)',
        'front (node)',
        'colorteller-red (node)',
        'colorteller-blue (node)',
        'colorteller-green (node)',
      ]),
    );
    for (const c of ['red', 'blue', 'green']) {
      await until(
        () => edgeRow(ROUTE(c)),
        (r) => r.state === 'ok' && r.requests > 0,
        15_000,
        `traffic to ${c}`,
      );
    }
    await page.screenshot({ path: join(ARTIFACTS, 'graph.png'), fullPage: true });
  });

  it('a weight commit changes the drawn weights and the traffic split within 2 s', async () => {
    setWeights(mesh.run.routeFile, { red: 0, blue: 1, green: 1 });
    const t0 = Date.now();
    const sha = commitAll(mesh.run.repo, 'no more red');
    const weights = await until(
      () => edgeRow(ROUTE('red')),
      (r) => r.share === 0,
      5000,
      'red weight 0 drawn',
    );
    const weightsMs = Date.now() - t0;
    const split = await until(
      async () => ({ red: await edgeRow(ROUTE('red')), blue: await edgeRow(ROUTE('blue')) }),
      (r) => r.red.requests === 0 && r.blue.trafficShare > 40,
      8000,
      `no traffic to red (client since commit: ${JSON.stringify(summary(t0))})`,
    );
    const trafficMs = Date.now() - t0;
    console.log(
      `weight commit ${sha.slice(0, 8)}: weights drawn after ${weightsMs} ms, traffic split after ${trafficMs} ms`,
      summary(t0),
    );
    expect(weights.share).toBe(0);
    expect((await edgeRow(ROUTE('blue'))).share).toBe(50);
    expect(split.red.state).toBe('idle');
    expect(weightsMs).toBeLessThanOrEqual(2000);
    expect(trafficMs).toBeLessThanOrEqual(2000);
    // The client agrees: nothing red after the commit settled.
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((s) => s.at > t0 + trafficMs && s.color === 'red')).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'graph-after-weights.png'), fullPage: true });
  });

  it("a failing backend's edge turns red with the error rate the client counted (±5%)", async () => {
    await page.selectOption('#window', '10');
    mesh.run.faults.blue.fails = (hit) => hit % 2 === 0;
    const from = Date.now();
    // Ten seconds of the window full of failing traffic.
    await new Promise((r) => setTimeout(r, 11_000));
    const row = await until(
      () => edgeRow(ROUTE('blue')),
      (r) => r.state === 'error',
      5000,
      'blue edge red',
    );
    const blue = seen.filter((s) => s.color === 'blue' && s.at >= Date.now() - 10_000 && s.at >= from);
    const truth = blue.filter((s) => !s.ok).length / blue.length;
    console.log(
      `blue error rate: console ${row.errorRate}, client ${truth.toFixed(4)} over ${blue.length} replies`,
    );
    expect(Math.abs(row.errorRate - truth)).toBeLessThanOrEqual(0.05);
    expect((await edgeRow(ROUTE('green'))).state).toBe('ok');
    // The table re-renders on every live tick: a cell replaced between finding and reading it has no style.
    const color = await until(
      () =>
        page
          .locator(`#edges tr[data-edge="${ROUTE('blue')}"] td.err`)
          .evaluate(
            (td) =>
              (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(
                td,
              ).color,
          ),
      (c) => c !== '',
      5000,
      "the blue edge's error cell style",
    );
    expect(color).toBe('rgb(179, 38, 30)');
    await page.screenshot({ path: join(ARTIFACTS, 'graph-failing-backend.png'), fullPage: true });
    mesh.run.faults.blue.fails = undefined;
  });

  it('a node opens its Envoy config, endpoints and sync state; keyboard only', async () => {
    await page.locator('#node-list button', { hasText: 'front (node)' }).focus();
    await page.keyboard.press('Enter');
    await text(page.locator('#details'), 'Config dump');
    await text(page.locator('#details'), '127.0.0.1');
    await text(page.locator('#details'), 'synced');
    await page.locator('#details summary').focus();
    await page.keyboard.press('Enter');
    await text(page.locator('#details pre'), 'lds_egress');
    await page.screenshot({ path: join(ARTIFACTS, 'node-details.png'), fullPage: true });
  });

  it('proxies and revisions views', async () => {
    await page.locator('#tab-graph').focus();
    await page.keyboard.press('ArrowRight');
    await attr(page.locator('#tab-proxies'), 'aria-selected', 'true');
    await until(
      () => page.locator('#proxies tbody tr').count(),
      (n) => n === 5,
      10_000,
      '5 proxies listed',
    );
    await text(page.locator('#proxies tbody'), 'mesh/colorapp/virtualNode/front');
    await page.screenshot({ path: join(ARTIFACTS, 'proxies.png'), fullPage: true });

    // A refused commit shows its file:line error; the applied one its author, changed proxies and time to ACK.
    setWeights(mesh.run.routeFile, { red: 1000 });
    commitAll(mesh.run.repo, 'oops');
    await page.keyboard.press('ArrowRight');
    await attr(page.locator('#tab-revisions'), 'aria-selected', 'true');
    const refused = page.locator('#revisions li[data-outcome="refused"]').first();
    await text(refused, 'oops');
    await text(refused.locator('pre'), /mesh\/colorteller\.yaml:\d+:\d+: Route colorapp\/colors/);
    const applied = page.locator('#revisions li[data-outcome="applied"]', { hasText: 'no more red' });
    await text(applied, /all ACKed in \d+ ms/);
    await text(applied, /<[^>]+@/);
    await page.screenshot({ path: join(ARTIFACTS, 'revisions.png'), fullPage: true });
  });

  it('reads on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#tab-graph').click();
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'phone.png'), fullPage: true });
  });
});
