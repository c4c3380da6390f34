/**
 * The xDS port's own TCP listener, handing each accepted socket to grpc-js (its connection injector: same
 * credentials, HTTP/2 settings and handlers as a bound port). grpc-js binds with Node's default accept backlog
 * of 511, and a fleet of thousands of proxies connecting at once overflows it: every dropped SYN waits 1, 3, 7 s
 * for its retry. Our own listener asks for a backlog the kernel caps at net.core.somaxconn.
 */
import * as net from 'node:net';
import type { Server, ServerCredentials } from '@grpc/grpc-js';

export const DEFAULT_XDS_BACKLOG = 65_535;

export interface TcpListener {
  port: number;
  /** Stops accepting; resolves once every accepted connection ended (grpc-js drains them on shutdown). */
  close(): Promise<void>;
  /** Ends the connections still open (a shutdown past its grace time, a handshake that never finished). */
  destroyAll(): void;
}

/** `host:port`, `[v6]:port` or `:port` → host and port; undefined for anything else (a unix socket). */
export function parseHostPort(hostPort: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(hostPort);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function listenTcp(
  server: Server,
  credentials: ServerCredentials,
  at: { host: string; port: number },
  backlog = DEFAULT_XDS_BACKLOG,
): Promise<TcpListener> {
  const injector = server.createConnectionInjector(credentials);
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  });
  return new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen({ host: at.host, port: at.port, backlog }, () => {
      tcp.off('error', reject);
      const address = tcp.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: () => new Promise<void>((r) => tcp.close(() => r())),
        destroyAll: () => {
          for (const s of sockets) s.destroy();
        },
      });
    });
  });
}
