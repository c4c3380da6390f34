/**
 * A serving-only xDS server in its own process, fed snapshot files (the peer-gcp format: {version, resources:
 * {typeUrl: [proto3 JSON with "@type"]}}) over IPC { set: path }; every client gets the same resources.
 *   plexus: the real XdsServer, every node resolved to one proxy key.
 *   floor:  a bare grpc-js ADS loop (SotW only) writing pre-encoded responses — the cost of the bytes alone.
 * IPC out: { ready: port }, { set: path }.
 * PUSH_PROFILE=prefix: a CPU profile of the pushes alone (every set after the first), written on SIGTERM to
 * prefix-<mode>.cpuprofile (summarize with bench/scale/profile-summary.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { TypeUrl, XdsServer } from '@plexus/xds';
import { ResourceCache } from '../../packages/xds/src/resource-cache.ts';
import { encodeSotwResponse } from '../../packages/xds/src/wire.ts';
import { adsBytesService } from '../floor/ads-bytes-service.ts';

interface SnapshotFile {
  version: string;
  resources: Record<string, Record<string, unknown>[]>;
}

const KEY_OF: Record<string, 'listeners' | 'routes' | 'clusters' | 'endpoints' | 'secrets'> = {
  [TypeUrl.Listener]: 'listeners',
  [TypeUrl.RouteConfiguration]: 'routes',
  [TypeUrl.Cluster]: 'clusters',
  [TypeUrl.ClusterLoadAssignment]: 'endpoints',
};

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as SnapshotFile;

interface Serving {
  port: number;
  /** Work the floor does ahead of the timed push (encoding); the real servers do it in set(). */
  prepare?(path: string): void;
  set(path: string): void;
}

async function plexus(): Promise<Serving> {
  const xds = new XdsServer({ resolveProxy: () => 'all' });
  const port = await xds.listen('127.0.0.1:0');
  return {
    port,
    set(path) {
      const s = read(path);
      const config: Record<string, object[]> = {};
      for (const [t, list] of Object.entries(s.resources)) config[KEY_OF[t]] = list;
      xds.setProxyConfig('all', config);
    },
  };
}

async function floor(): Promise<Serving> {
  const cache = new ResourceCache();
  let nonce = 0;
  let current: SnapshotFile = { version: '', resources: {} };
  let encoded = new Map<string, Uint8Array[]>();
  const streams = new Set<ServerDuplexStream<unknown, Uint8Array>>();
  const server = new Server({ 'grpc.max_send_message_length': -1, 'grpc.enable_channelz': 0 });
  server.addService(adsBytesService(), {
    StreamAggregatedResources: (call: ServerDuplexStream<unknown, Uint8Array>) => {
      streams.add(call);
      call.on('data', (req: { type_url: string; response_nonce: string; resource_names: string[] }) => {
        // Answer each subscription (first request or names change: version_info empty or names sent anew);
        // an ACK carries the nonce of what it acknowledges and gets nothing.
        if (req.response_nonce && (req as { version_info?: string }).version_info) return;
        const all = encoded.get(req.type_url) ?? [];
        call.write(encodeSotwResponse(current.version, req.type_url, String(++nonce), all));
      });
      const drop = () => streams.delete(call);
      call.on('error', drop);
      call.on('close', drop);
      call.on('cancelled', drop);
      call.on('end', () => {
        drop();
        call.end();
      });
    },
  });
  const port = await new Promise<number>((r, j) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))),
  );
  const prepared = new Map<string, { s: SnapshotFile; next: Map<string, Uint8Array[]> }>();
  const prepare = (path: string) => {
    const s = read(path);
    const next = new Map<string, Uint8Array[]>();
    for (const [t, list] of Object.entries(s.resources))
      next.set(
        t,
        list.map((j) => cache.entryFor(t, j).any),
      );
    prepared.set(path, { s, next });
  };
  return {
    port,
    prepare,
    set(path) {
      if (!prepared.has(path)) prepare(path);
      const { s, next } = prepared.get(path)!;
      prepared.delete(path);
      const changed = [...next.keys()].filter((t) => {
        const a = encoded.get(t);
        const b = next.get(t)!;
        return !a || a.length !== b.length || a.some((x, i) => Buffer.compare(x, b[i]) !== 0);
      });
      const first = encoded.size === 0;
      current = s;
      encoded = next;
      if (first) return;
      for (const t of changed) {
        const all = encoded.get(t)!;
        for (const call of streams) call.write(encodeSotwResponse(s.version, t, String(++nonce), all));
      }
    },
  };
}

const pushProfile = process.env.PUSH_PROFILE;
const session = pushProfile ? new Session() : undefined;
session?.connect();
session?.post('Profiler.enable');
let sets = 0;

const mode = process.argv[2];
const srv = mode === 'floor' ? await floor() : await plexus();
process.on('message', (m: { set?: string; prepare?: string }) => {
  if (m.prepare) {
    srv.prepare?.(m.prepare);
    process.send?.({ prepared: m.prepare });
  }
  if (m.set) {
    if (session && ++sets === 2) session.post('Profiler.start');
    srv.set(m.set);
    process.send?.({ set: m.set });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: srv.port });
// a clean exit on SIGTERM, so --cpu-prof writes its profile
process.on('SIGTERM', () => {
  if (!session || sets < 2) process.exit(0);
  session.post('Profiler.stop', (_e, r) => {
    writeFileSync(`${pushProfile}-${mode}.cpuprofile`, JSON.stringify(r.profile));
    process.exit(0);
  });
});
