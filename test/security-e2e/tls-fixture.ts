import type { Server } from 'node:http';
import { type Authenticator, createAuthorizer, ReloadingServerCredentials } from '@plexus/security';
import {
  createTestCa,
  edsCluster,
  freePort,
  httpListener,
  issueCert,
  loadAssignment,
  type TestCa,
  weightedRoute,
} from '@plexus/testkit';
import { type RejectEvent, XdsServer } from '@plexus/xds';
import { startBackend } from '../xds-e2e/helpers.ts';

export interface TlsXds {
  ca: TestCa;
  xds: XdsServer;
  port: number;
  rejects: RejectEvent[];
  /** The loopback port each proxy's ingress listener gets (one backend answering `backend`). */
  listenPort: number;
  serve(nodeKey: string): void;
  close(): Promise<void>;
}

/** An xDS server over TLS (server certificate for 127.0.0.1, no client CA unless asked) with these methods. */
export async function startTlsXds(
  authenticators: Authenticator[],
  opts: { clientCa?: boolean } = {},
): Promise<TlsXds> {
  const ca = createTestCa();
  const cert = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], dns: ['localhost'], usage: 'server' });
  const creds = new ReloadingServerCredentials({
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    clientCaFile: opts.clientCa ? ca.certFile : undefined,
  });
  const rejects: RejectEvent[] = [];
  const xds = new XdsServer({
    // App Mesh ARNs name the same proxy as their mesh/... tail (DESIGN.md "Node identity")
    resolveProxy: (n) => n.id.replace(/^arn:aws:appmesh:[^:]*:[^:]*:/, ''),
    credentials: creds,
    authorize: createAuthorizer({ authenticators, trustDomain: 'plexus.local', required: true }),
  });
  xds.on('reject', (e: RejectEvent) => rejects.push(e));
  const port = await xds.listen('127.0.0.1:0');
  const backend: { server: Server; port: number } = await startBackend('backend');
  const listenPort = await freePort();
  const config = {
    listeners: [httpListener('ingress', listenPort, 'r1')],
    routes: [weightedRoute('r1', ['*'], [['app', 100]])],
    clusters: [edsCluster('app')],
    endpoints: [loadAssignment('app', [{ host: '127.0.0.1', port: backend.port }])],
  };
  return {
    ca,
    xds,
    port,
    rejects,
    listenPort,
    serve: (key) => xds.setProxyConfig(key, config, { revision: 'r1' }),
    async close() {
      creds.close();
      await xds.shutdown(200);
      backend.server.close();
    },
  };
}
