import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AdsClient, XdsTypes } from '@plexus/testkit';
import { expect, it } from 'vitest';
import { XdsServer } from '../src/index.ts';
import { parseHostPort } from '../src/tcp-listener.ts';
import { NODE, sampleConfig } from './harness.ts';

/** The accept queue the kernel gave a listening port (ss shows it as Send-Q of a LISTEN socket). */
function acceptQueue(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  return Number(line.split(/\s+/)[2]);
}

it('the xDS port listens with a deep accept queue (not grpc-js bind default of 511) and serves through it', async () => {
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  const server = new XdsServer({ resolveProxy: (n) => n.id });
  const port = await server.listen('127.0.0.1:0');
  try {
    expect(acceptQueue(port)).toBe(Math.min(65_535, somaxconn));
    server.setProxyConfig(NODE, sampleConfig());
    const client = new AdsClient(`127.0.0.1:${port}`);
    const s = client.sotw({ id: NODE });
    s.request({ typeUrl: XdsTypes.cluster });
    expect((await s.next()).typeUrl).toBe(XdsTypes.cluster);
    client.close();
  } finally {
    await server.shutdown(500);
  }
  expect(execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim()).toBe('');
});

it('listenBacklog sets the queue asked for', async () => {
  const server = new XdsServer({ resolveProxy: (n) => n.id, listenBacklog: 100 });
  const port = await server.listen('127.0.0.1:0');
  try {
    expect(acceptQueue(port)).toBe(100);
  } finally {
    await server.shutdown(500);
  }
});

it('parses the listen addresses the daemon takes', () => {
  expect(parseHostPort('127.0.0.1:18000')).toEqual({ host: '127.0.0.1', port: 18000 });
  expect(parseHostPort('[::]:0')).toEqual({ host: '::', port: 0 });
  expect(parseHostPort(':9000')).toEqual({ host: '0.0.0.0', port: 9000 });
  expect(parseHostPort('unix:///tmp/xds.sock')).toBeUndefined();
  expect(parseHostPort('host:70000')).toBeUndefined();
});
