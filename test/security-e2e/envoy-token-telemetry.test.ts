/**
 * Real Envoys bootstrapped with bearer tokens only (`plexus bootstrap --token-file`, `--embed-token`) stream
 * their egress access logs to a TLS daemon that requires every stream to prove its proxy: their edges show in
 * GET /api/v1/telemetry/edges (as a client-certificate Envoy's do), a proxy whose token is another node's is
 * refused, and no token shows in Envoy's /config_dump or the daemon's log.
 */
import { waitFor } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeName, nodeKey, startTokenMesh, type TokenMesh } from './token-mesh.ts';

let mesh: TokenMesh;

beforeAll(async () => {
  mesh = await startTokenMesh();
}, 120_000);

afterAll(async () => {
  await mesh?.stop();
});

/** Sends `n` requests from `from`, every one answered 200 by web. */
async function send(from: NodeName, n: number) {
  for (let i = 0; i < n; i++) expect(await mesh.get(from)).toBe(200);
}

/** The requests from `from` once its access logs stop arriving (flushes every 200 ms). */
async function settled(from: NodeName, atLeast: number): Promise<number> {
  let last = -1;
  await waitFor(
    async () => {
      const now = (await mesh.requestsFrom())[from] ?? 0;
      const done = now >= atLeast && now === last;
      last = now;
      return done;
    },
    { timeoutMs: 20_000, intervalMs: 500, what: `${from}'s edges to web (≥ ${atLeast} requests)` },
  );
  return last;
}

/** What `from` reported before the test: its settled count after the fixture's readiness requests (≥ 1). */
const baseline = (from: NodeName) => settled(from, 1);

const refusals = (node: NodeName) =>
  mesh.logs().filter((l) => l.includes('access log stream refused') && l.includes(`"${nodeKey(node)}"`));

describe('access logs of token-bootstrapped Envoys', () => {
  it('--token-file: the edges filer → web count what it sent', async () => {
    const before = await baseline('filer');
    await send('filer', 5);
    expect(await settled('filer', before + 5)).toBe(before + 5);
    expect(refusals('filer')).toEqual([]);
  });

  it('--embed-token: the edges embedder → web count what it sent', async () => {
    const before = await baseline('embedder');
    await send('embedder', 5);
    expect(await settled('embedder', before + 5)).toBe(before + 5);
    expect(refusals('embedder')).toEqual([]);
  });

  it('a client certificate (no token) still reports: the edges certer → web count what it sent', async () => {
    const before = await baseline('certer');
    await send('certer', 5);
    expect(await settled('certer', before + 5)).toBe(before + 5);
    expect(refusals('certer')).toEqual([]);
  });

  it("a token file holding another node's token: the stream is refused and nothing is recorded; its own token again, and it reports", async () => {
    expect((await mesh.requestsFrom()).forger).toBeUndefined();
    // forger's ADS stream stays up on the token it started with; its first access log stream reads the file.
    mesh.writeTokenFile('forger', mesh.tokens.filer);
    await waitFor(async () => (await mesh.get('forger')) === 200, {
      timeoutMs: 30_000,
      what: 'forger → web',
    });
    await send('forger', 3);
    await waitFor(() => refusals('forger').length > 0, {
      timeoutMs: 20_000,
      what: "forger's refused stream",
    });
    const refusal = JSON.parse(refusals('forger')[0]!) as { code: number; msg: string };
    expect(refusal.code).toBe(7);
    expect(refusal.msg).toContain(nodeKey('filer'));
    await new Promise((r) => setTimeout(r, 1000));
    expect((await mesh.requestsFrom()).forger).toBeUndefined();

    mesh.writeTokenFile('forger', mesh.tokens.forger);
    await waitFor(
      async () => {
        await send('forger', 1);
        return ((await mesh.requestsFrom()).forger ?? 0) > 0;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: "forger's edges with its own token" },
    );
  });

  it("no token in Envoy's /config_dump nor in the daemon's log", async () => {
    const dumps = {
      filer: await mesh.envoys.filer.admin('/config_dump?include_eds'),
      embedder: await mesh.envoys.embedder.admin('/config_dump?include_eds'),
    };
    expect(dumps.embedder).toContain('plexus_xds_token');
    for (const [n, dump] of Object.entries(dumps)) {
      expect(dump, n).not.toContain(mesh.tokens[n as NodeName]);
    }
    const log = mesh.logs().join('');
    for (const token of Object.values(mesh.tokens)) expect(log).not.toContain(token);
  });
});

describe('stopping the daemon', () => {
  it('ends the open access log streams instead of waiting for Envoy to close them', async () => {
    const t0 = Date.now();
    await mesh.daemon.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
