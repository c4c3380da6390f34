import { AdsClient } from '@plexus/testkit';
import { afterEach } from 'vitest';
import { XdsServer, type XdsServerOptions } from '../src/index.ts';
import { apiListener, edsCluster, loadAssignment, weightedRoute } from './fixtures.ts';

/** A server on a free port whose resolveProxy accepts `mesh/...` ids; everything is closed after each test. */
export async function startHarness(opts: Partial<XdsServerOptions> = {}) {
  const server = new XdsServer({
    resolveProxy: (n) => (n.id.startsWith('mesh/') ? n.id : { error: 'not a mesh node' }),
    ...opts,
  });
  const port = await server.listen('127.0.0.1:0');
  const clients: AdsClient[] = [];
  const client = () => {
    const c = new AdsClient(`127.0.0.1:${port}`);
    clients.push(c);
    return c;
  };
  cleanups.push(async () => {
    for (const c of clients) c.close();
    await server.shutdown(200);
  });
  return { server, port, client };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

export const NODE = 'mesh/m/virtualNode/a';

/** A small complete config: listener l1 → route r1 → clusters c1/c2 with endpoints. */
export function sampleConfig(opts: { clusters?: string[]; port?: number; split?: [string, number][] } = {}) {
  const clusters = opts.clusters ?? ['c1', 'c2'];
  return {
    listeners: [apiListener('l1', 'r1')],
    routes: [weightedRoute('r1', ['*'], opts.split ?? clusters.map((c) => [c, 1] as [string, number]))],
    clusters: clusters.map((c) => edsCluster(c)),
    endpoints: clusters.map((c) => loadAssignment(c, [{ host: '127.0.0.1', port: opts.port ?? 9000 }])),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
