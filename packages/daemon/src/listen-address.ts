import { isIP } from 'node:net';

/** `unix:///path` / `unix:path` listeners are reachable only through the file system. */
export function isUnixAddress(address: string): boolean {
  return address.startsWith('unix:');
}

/** The host of `host:port` (IPv6 as `[::1]:port`), '' for a bare `:port`. */
export function hostOf(address: string): string {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  return m ? m[1] : address;
}

/** True when only this machine can reach the address: 127.0.0.0/8, ::1, localhost, or a unix socket. */
export function isLoopbackAddress(address: string): boolean {
  if (isUnixAddress(address)) return true;
  const host = hostOf(address);
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
