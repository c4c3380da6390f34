/**
 * A small mesh behind a TLS daemon with telemetry on, whose real Envoys prove themselves with bearer tokens:
 * `web` serves HTTP; `filer` (token file), `embedder` (embedded token) and `forger` (token file) call it through
 * their egress listeners, so their access logs must reach the daemon with a token; `certer` calls it with a
 * client certificate instead (the path that already worked). The fixture waits for filer, embedder and certer
 * to reach web; forger has sent nothing when it returns.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, sameHostConfig } from '@plexus/daemon';
import { issueNodeToken, NodeTokenKeys, sha256Hex } from '@plexus/security';
import type { EdgesDocument } from '@plexus/telemetry';
import {
  commitAll,
  createTestCa,
  freePort,
  httpRequestLocal,
  initRepo,
  issueCert,
  waitFor,
} from '@plexus/testkit';
import { pino } from 'pino';
import { type EnvoyUnderTest, startEnvoy } from './envoy.ts';
import { startTlsDaemon, type TlsDaemon } from './tls-daemon.ts';

export const MESH = 'tokmesh';
const NODES = ['web', 'filer', 'embedder', 'forger', 'certer'] as const;
export type NodeName = (typeof NODES)[number];
export const nodeKey = (n: string) => `mesh/${MESH}/virtualNode/${n}`;
const WEB_HOST = `web.${MESH}.local`;
const ADMIN = 'admin-secret-for-the-token-mesh';

function meshYaml(app: number, ingress: Record<NodeName, number>): string {
  const node = (name: NodeName, spec: string) => `---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: ${MESH} }
spec:${spec}
  serviceDiscovery:
    static:
      endpoints: [{ address: 127.0.0.1, port: ${ingress[name]} }]
`;
  const caller = `
  backends:
    - virtualService: { virtualServiceName: ${WEB_HOST} }`;
  return `apiVersion: plexus/v1
kind: Mesh
metadata: { name: ${MESH} }
spec: {}
${node('web', `\n  listeners:\n    - portMapping: { port: ${app}, protocol: http }`)}---
apiVersion: plexus/v1
kind: VirtualService
metadata: { name: ${WEB_HOST}, mesh: ${MESH} }
spec: { provider: { virtualNode: { virtualNodeName: web } } }
${node('filer', caller)}${node('embedder', caller)}${node('forger', caller)}${node('certer', caller)}`;
}

export interface TokenMesh {
  daemon: Daemon;
  envoys: Record<NodeName, EnvoyUnderTest>;
  tokens: Record<NodeName, string>;
  /** One GET to `web` through a caller's sidecar: the status (0 when the connection failed). */
  get(from: NodeName): Promise<number>;
  /** Requests per source node in GET /api/v1/telemetry/edges (60 s window), edges to `web` only. */
  requestsFrom(): Promise<Partial<Record<NodeName, number>>>;
  /** Replaces a node's token file atomically (as a kubelet or sidecar refreshing it does). */
  writeTokenFile(n: 'filer' | 'forger', token: string): void;
  /** The daemon's log lines so far (JSON, pino). */
  logs(): string[];
  stop(): Promise<void>;
}

export async function startTokenMesh(): Promise<TokenMesh> {
  const work = mkdtempSync(join(tmpdir(), 'plexus-token-mesh-'));
  const ports = async () =>
    Object.fromEntries(await Promise.all(NODES.map(async (n) => [n, await freePort()]))) as Record<
      NodeName,
      number
    >;
  const app = await freePort();
  const ingress = await ports();
  const egress = await ports();
  const repo = join(work, 'repo');
  mkdirSync(join(repo, 'mesh'), { recursive: true });
  initRepo(repo);
  writeFileSync(join(repo, 'mesh/mesh.yaml'), meshYaml(app, ingress));
  commitAll(repo, 'tokmesh: three callers of web');

  const web: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('web');
  });
  await new Promise<void>((r) => web.listen(app, '127.0.0.1', () => r()));

  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
  const ca = createTestCa();
  let tls: TlsDaemon | undefined;
  const envoys = {} as Record<NodeName, EnvoyUnderTest>;
  const stop = async () => {
    await Promise.all(Object.values(envoys).map((e) => e.proc.stop(3000)));
    await tls?.stop();
    web.closeAllConnections();
    web.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(ca.dir, { recursive: true, force: true });
  };
  const tokenFile = (n: NodeName) => join(work, `${n}.jwt`);
  const writeTokenFile = (n: NodeName, token: string) => {
    writeFileSync(`${tokenFile(n)}.new`, token);
    renameSync(`${tokenFile(n)}.new`, tokenFile(n));
  };
  try {
    const stateDir = join(work, 'state');
    mkdirSync(stateDir);
    const cert = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
    const certer = issueCert(ca, {
      cn: 'certer',
      uris: [`spiffe://plexus.local/${nodeKey('certer')}`],
      usage: 'client',
    });
    tls = await startTlsDaemon(
      {
        repo,
        overrides: undefined,
        builtinPlugins: ['@plexus/discovery-static'],
        translateOptions: (key: string) => {
          const name = key.split('/')[3] as NodeName;
          return { ingressPort: ingress[name], egressPort: egress[name] };
        },
        configTransform: sameHostConfig,
        drainMs: 500,
        adminTokens: [{ name: 'test', sha256: sha256Hex(ADMIN) }],
        telemetry: { flushInterval: '200ms' },
        xdsTls: { certFile: cert.certFile, keyFile: cert.keyFile, clientCaFile: ca.certFile },
        logger,
      },
      { stateDir, ca, cert },
    );
    const keys = new NodeTokenKeys(stateDir);
    const tokens = {} as Record<NodeName, string>;
    for (const n of NODES) {
      tokens[n] = (await issueNodeToken(keys, { node: nodeKey(n) })).token;
      const base = {
        node: nodeKey(n),
        xdsAddress: `127.0.0.1:${tls.daemon.xdsPort}`,
        xdsCaFile: tls.ca.certFile,
      };
      if (n === 'embedder') envoys[n] = await startEnvoy({ ...base, token: tokens[n] });
      else if (n === 'certer') {
        envoys[n] = await startEnvoy({
          ...base,
          clientCertFile: certer.certFile,
          clientKeyFile: certer.keyFile,
        });
      } else {
        writeTokenFile(n, tokens[n]);
        envoys[n] = await startEnvoy({ ...base, tokenFile: tokenFile(n) });
      }
    }
    const get = (from: NodeName) =>
      httpRequestLocal(egress[from], '/', { headers: { host: WEB_HOST }, timeoutMs: 10_000 }).then(
        (r) => r.status,
        () => 0,
      );
    // forger sends nothing yet: its first access log stream opens with whatever its token file then holds.
    await waitFor(async () => (await envoys.forger.stat('listener_manager.total_listeners_active')) >= 1, {
      timeoutMs: 60_000,
      what: "forger's listeners",
    });
    for (const n of ['filer', 'embedder', 'certer'] as const) {
      await waitFor(async () => (await get(n)) === 200, { timeoutMs: 60_000, what: `${n} → web` }).catch(
        (err: Error) => {
          throw new Error(
            `${err.message}\n${envoys[n].log().split('\n').slice(-15).join('\n')}\n${lines.slice(-10).join('')}`,
          );
        },
      );
    }
    const http = `http://127.0.0.1:${tls.daemon.httpPort}`;
    const daemon = tls.daemon;
    return {
      daemon,
      envoys,
      tokens,
      get,
      async requestsFrom() {
        const r = await fetch(`${http}/api/v1/telemetry/edges?window=60`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        if (r.status !== 200) throw new Error(`GET /api/v1/telemetry/edges: ${r.status} ${await r.text()}`);
        const out: Partial<Record<NodeName, number>> = {};
        for (const e of ((await r.json()) as EdgesDocument).edges) {
          if (e.targetVirtualNode !== 'web') continue;
          const n = e.source.name as NodeName;
          out[n] = (out[n] ?? 0) + e.window.requests;
        }
        return out;
      },
      writeTokenFile,
      logs: () => lines,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
