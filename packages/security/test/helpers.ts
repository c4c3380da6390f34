import { credentials } from '@grpc/grpc-js';
import { AdsClient, createTestCa, type IssuedCert, issueCert, type TestCa } from '@plexus/testkit';
import { type Authorize, XdsServer } from '@plexus/xds';
import { afterEach } from 'vitest';
import { ReloadingServerCredentials } from '../src/index.ts';

export const NODE_A = 'mesh/m/virtualNode/a';
export const NODE_B = 'mesh/m/virtualNode/b';
export const spiffe = (key: string, td = 'plexus.local') => `spiffe://${td}/${key}`;

export interface Pki {
  ca: TestCa;
  server: IssuedCert;
  clientA: IssuedCert;
}

let pki: Pki | undefined;
/** One CA per test file: a server certificate for 127.0.0.1/localhost and a client certificate for node a. */
export function testPki(): Pki {
  if (pki) return pki;
  const ca = createTestCa();
  pki = {
    ca,
    server: issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], dns: ['localhost'], usage: 'server' }),
    clientA: issueCert(ca, { cn: 'a', uris: [spiffe(NODE_A)], usage: 'client' }),
  };
  return pki;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
export const onCleanup = (f: () => unknown) => cleanups.push(f);

/** An XdsServer over TLS (client CA = the test CA) with `authorize`, on a free loopback port. */
export async function tlsServer(authorize?: Authorize, opts: { clientCa?: boolean } = {}) {
  const p = testPki();
  const creds = new ReloadingServerCredentials({
    certFile: p.server.certFile,
    keyFile: p.server.keyFile,
    clientCaFile: opts.clientCa === false ? undefined : p.ca.certFile,
  });
  const server = new XdsServer({ resolveProxy: (n) => n.id, authorize, credentials: creds });
  const port = await server.listen('127.0.0.1:0');
  onCleanup(async () => {
    creds.close();
    await server.shutdown(200);
  });
  return { server, port, creds };
}

/** An ADS client over TLS trusting the test CA, with a client certificate when given. */
export function tlsClient(port: number, cert?: IssuedCert, metadata?: Record<string, string>): AdsClient {
  const p = testPki();
  const creds = credentials.createSsl(p.ca.cert(), cert ? cert.key : null, cert ? cert.cert : null);
  const c = new AdsClient(`127.0.0.1:${port}`, {}, { credentials: creds, metadata });
  onCleanup(() => c.close());
  return c;
}
