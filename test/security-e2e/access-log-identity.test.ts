import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import type { Daemon } from '@plexus/daemon';
import { issueNodeToken, NodeTokenKeys, sha256Hex } from '@plexus/security';
import type { TestCa } from '@plexus/testkit';
import { envoyType } from '@plexus/xds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsDaemon, type TlsDaemon } from './tls-daemon.ts';

const FRONT = 'mesh/colorapp/virtualNode/front';
const BLUE = 'mesh/colorapp/virtualNode/blue';
const ADMIN = 'admin-secret-for-the-test';

const Message = envoyType('envoy.service.accesslog.v3.StreamAccessLogsMessage');
const Response = envoyType('envoy.service.accesslog.v3.StreamAccessLogsResponse');
const AccessLogClient = makeGenericClientConstructor(
  {
    StreamAccessLogs: {
      path: '/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs',
      requestStream: true,
      responseStream: false,
      requestSerialize: (m: object) => Buffer.from(Message.encode(Message.fromObject(m)).finish()),
      requestDeserialize: (b: Buffer) => Message.decode(b),
      responseSerialize: (m: object) => Buffer.from(Response.encode(m).finish()),
      responseDeserialize: (b: Buffer) => Response.decode(b),
    },
  },
  'AccessLogService',
);

/** One egress entry front → colorteller, as Envoy's http_grpc logger sends it (proto field names). */
const entry = {
  common_properties: {
    upstream_cluster: 'cds_egress_colorapp_blue_http_8080',
    route_name: 'colorteller-router/colorteller-route',
    start_time: { seconds: Math.floor(Date.now() / 1000) },
    time_to_last_downstream_tx_byte: { nanos: 2_000_000 },
  },
  request: { authority: 'colorteller.colorapp.local' },
  response: { response_code: { value: 200 } },
};

describe('access log streams prove their proxy like xDS streams', () => {
  let tls: TlsDaemon;
  let daemon: Daemon;
  let ca: TestCa;
  let frontToken: string;

  /** Opens an access log stream that names `node`, sends three entries, ends it; resolves to the gRPC status. */
  const report = (node: string, token?: string) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      const client = new AccessLogClient(`127.0.0.1:${daemon.xdsPort}`, credentials.createSsl(ca.cert()));
      const md = new Metadata();
      if (token) md.set('authorization', `Bearer ${token}`);
      const call = client.StreamAccessLogs(md, (err: ServiceError | null) => {
        client.close();
        resolve({ code: err?.code ?? 0, details: err?.details ?? '' });
      });
      call.write({
        identifier: { node: { id: node, cluster: node }, log_name: 'plexus_egress' },
        http_logs: { log_entry: [entry] },
      });
      call.write({ http_logs: { log_entry: [entry, entry] } });
      setTimeout(() => call.end(), 200);
    });

  const edgesFrom = async (source: string) => {
    const r = await fetch(`http://127.0.0.1:${daemon.httpPort}/api/v1/telemetry/edges?window=60`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(r.status).toBe(200);
    const doc = (await r.json()) as { edges: { source: { name: string }; window: { requests: number } }[] };
    return doc.edges.filter((e) => e.source.name === source);
  };

  beforeAll(async () => {
    tls = await startTlsDaemon({ adminTokens: [{ name: 'test', sha256: sha256Hex(ADMIN) }] });
    ({ daemon, ca } = tls);
    frontToken = (await issueNodeToken(new NodeTokenKeys(tls.stateDir), { node: FRONT })).token;
  });

  afterAll(async () => {
    await tls?.stop();
  });

  it("a stream with front's token reporting as front is recorded", async () => {
    expect(await report(FRONT, frontToken)).toEqual({ code: 0, details: '' });
    const edges = await edgesFrom('front');
    expect(edges.reduce((n, e) => n + e.window.requests, 0)).toBe(3);
  });

  it("front's token reporting as blue: PERMISSION_DENIED naming both, and nothing recorded for blue", async () => {
    const r = await report(BLUE, frontToken);
    expect(r.code).toBe(7);
    expect(r.details).toContain(FRONT);
    expect(r.details).toContain(BLUE);
    expect(await edgesFrom('blue')).toEqual([]);
  });

  it('no credential over TLS: UNAUTHENTICATED, nothing recorded', async () => {
    const r = await report(BLUE);
    expect(r.code).toBe(16);
    expect(r.details).toMatch(/^no credential: .*older plexus bootstrap .*bootstrap it again$/);
    expect(await edgesFrom('blue')).toEqual([]);
  });
});
