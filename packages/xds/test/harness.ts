import { AdsClient, sampleConfig } from '@plexus/testkit';
import { afterEach } from 'vitest';
import { XdsServer, type XdsServerOptions } from '../src/index.ts';

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

export { sampleConfig };
export const NODE = 'mesh/m/virtualNode/a';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
