import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import { freePort, repoRoot, waitFor } from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';
import { XdsServer } from '@plexus/xds';
import { afterEach, expect, it } from 'vitest';
import { type EnvoyHandle, startEnvoy } from './helpers.ts';

let xds: XdsServer | undefined;
const envoys: EnvoyHandle[] = [];
afterEach(async () => {
  for (const e of envoys.splice(0)) await e.proc.stop();
  await xds?.shutdown(500);
  xds = undefined;
});

/** The same mesh in the three input formats: native YAML, controller CRDs, App Mesh CLI JSON. */
const FORMATS = ['colorapp', 'colorapp-crd', 'colorapp-cli-json'];

it.each(FORMATS)(
  "serves the translator's output for examples/%s to real Envoys, which accept every type",
  async (example) => {
    const dir = join(repoRoot, 'examples', example, 'mesh');
    const files = readdirSync(dir)
      .sort()
      .map((f) => ({ path: f, content: readFileSync(join(dir, f), 'utf8') }));
    const loaded = loadAndValidate(files);
    expect(loaded.diagnostics).toEqual([]);
    const graph = buildGraph(loaded.resources);
    xds = new XdsServer({ resolveProxy: (n) => (parseProxyId(n.id) ? n.id : { error: 'not a proxy id' }) });
    const port = await xds.listen('127.0.0.1:0');
    const ids = proxyIds(graph);
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) {
      const cfg = translateProxy(graph, parseProxyId(id)!, () => undefined, {
        listenAddress: '127.0.0.1',
        ingressPort: await freePort(),
        egressPort: await freePort(),
        proxyless: false,
      });
      xds.setProxyConfig(id, cfg, { revision: 'colorapp' });
    }
    for (const id of ids) envoys.push(await startEnvoy(id, port, 'GRPC'));
    await waitFor(() => ids.every((id) => xds!.converged(id)), {
      timeoutMs: 30_000,
      what: 'every proxy ACKed',
    }).catch((err) => {
      console.log(JSON.stringify(xds!.status(), null, 1));
      for (const e of envoys) console.log(e.proc.output().slice(-1500));
      throw err;
    });
    for (const st of xds.status()) expect(st.nacked).toEqual({});
    for (const e of envoys) {
      const stats = await e.admin('/stats?filter=update_rejected');
      const values = stats
        .split('\n')
        .filter((l) => l.includes('update_rejected'))
        .map((l) => Number(l.split(':')[1]));
      expect(values.every((v) => v === 0)).toBe(true);
      const dump = await e.admin('/config_dump');
      expect(dump).toContain('dynamic_listeners');
    }
  },
);
