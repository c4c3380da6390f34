/**
 * A raw-bytes gRPC echo service for proxyless tests: servers answer every call with a name, and clients dial
 * `xds:///target` through @grpc/grpc-js-xds with a per-channel bootstrap (no process-wide env).
 */
import * as grpc from '@grpc/grpc-js';

export const ECHO_METHOD = '/plexus.test.Echo/Who';

/** Messages are the raw bytes: no protobuf on either side. */
export const rawBytes = (b: Buffer): Buffer => b;

/** The service definition: one unary method `Who` at `path` with raw-bytes messages. */
export function echoServiceDefinition(path = ECHO_METHOD): grpc.ServiceDefinition {
  return {
    Who: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: rawBytes,
      requestDeserialize: rawBytes,
      responseSerialize: rawBytes,
      responseDeserialize: rawBytes,
    },
  };
}

export interface EchoServerOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Method path (default ECHO_METHOD). */
  path?: string;
}

export interface StartedEchoServer {
  server: grpc.Server;
  host: string;
  port: number;
  stop(): void;
}

/** Binds `server` to host:port (0 = any); resolves to the bound port. */
export function bindInsecure(server: grpc.Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
}

/**
 * A real gRPC server answering every `Who` call with `answer` — a string, or a function of the bound
 * `host:port` (for servers whose name is their address).
 */
export async function startEchoServer(
  answer: string | ((address: string) => string),
  opts: EchoServerOptions = {},
): Promise<StartedEchoServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = new grpc.Server();
  let reply = typeof answer === 'string' ? answer : '';
  server.addService(echoServiceDefinition(opts.path), {
    Who: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(reply)),
  });
  const port = await bindInsecure(server, host, opts.port);
  if (typeof answer === 'function') reply = answer(`${host}:${port}`);
  return { server, host, port, stop: () => server.forceShutdown() };
}

/** A gRPC xDS bootstrap for node `nodeId` talking SotW ADS to 127.0.0.1:`xdsPort`. */
export function xdsBootstrapFor(
  nodeId: string,
  xdsPort: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    xds_servers: [
      {
        server_uri: `127.0.0.1:${xdsPort}`,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: { id: nodeId, cluster: '', locality: {} },
    ...extra,
  };
}

/** Channel options giving one channel (or XdsServer) its own bootstrap instead of GRPC_XDS_BOOTSTRAP. */
export function xdsBootstrapOption(bootstrap: Record<string, unknown>): grpc.ChannelOptions {
  return { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) };
}

/**
 * A @grpc/grpc-js-xds client for `target` (`xds:///name`), speaking as `nodeId` to the xDS server on
 * 127.0.0.1:`xdsPort`. The caller runs `register()` from @grpc/grpc-js-xds first: importing that package
 * here would add about a second to the start of everything that imports @plexus/testkit.
 */
export function xdsClient(target: string, nodeId: string, xdsPort: number): grpc.Client {
  return new grpc.Client(
    target,
    grpc.credentials.createInsecure(),
    xdsBootstrapOption(xdsBootstrapFor(nodeId, xdsPort)),
  );
}

export interface EchoCallOptions {
  /** Default 5000. */
  deadlineMs?: number;
  /** Method path (default ECHO_METHOD). */
  path?: string;
  metadata?: Record<string, string>;
}

/** One call with an empty request; resolves to the reply as text. */
export function callEcho(client: grpc.Client, opts: EchoCallOptions = {}): Promise<string> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(opts.metadata ?? {})) md.set(k, v);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      opts.path ?? ECHO_METHOD,
      rawBytes,
      rawBytes,
      Buffer.alloc(0),
      md,
      { deadline: Date.now() + (opts.deadlineMs ?? 5000) },
      (e, r) => (e ? reject(e) : resolve(r!.toString())),
    ),
  );
}
