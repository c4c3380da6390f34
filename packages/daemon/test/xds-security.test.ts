import { createTestCa, issueCert } from '@plexus/testkit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../src/listen-address.ts';
import { checkPlaintextListener, createXdsSecurity, xdsListenAddress } from '../src/xds-security.ts';

const quiet = pino({ level: 'silent' });

describe('xDS listener security', () => {
  it('listens on loopback without TLS, and on every address with it', () => {
    expect(xdsListenAddress({ repo: '.' })).toBe('127.0.0.1:18000');
    expect(xdsListenAddress({ repo: '.', xdsTls: { certFile: 'c', keyFile: 'k' } })).toBe('0.0.0.0:18000');
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1:1', '127.1.2.3:1', '[::1]:1', 'localhost:1', 'unix:///tmp/x.sock']) {
      expect(isLoopbackAddress(a)).toBe(true);
    }
    for (const a of ['0.0.0.0:1', '[::]:1', '10.0.0.1:1', 'plexus.internal:1', ':18000']) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });

  it('refuses plaintext beyond loopback unless --xds-insecure, which warns', () => {
    expect(() => checkPlaintextListener({ repo: '.', xdsListen: '0.0.0.0:18000' })).toThrow(
      /without TLS would let anyone.*--xds-insecure/,
    );
    expect(checkPlaintextListener({ repo: '.', xdsListen: '0.0.0.0:18000', xdsInsecure: true })).toMatch(
      /plaintext on 0\.0\.0\.0:18000/,
    );
    expect(checkPlaintextListener({ repo: '.' })).toBeUndefined();
  });

  it('TLS without any identity method is a start-up error; a client CA enables certificates', () => {
    const ca = createTestCa();
    const server = issueCert(ca, { cn: 'plexus', ips: ['127.0.0.1'], usage: 'server' });
    expect(() =>
      createXdsSecurity({ repo: '.', xdsTls: { certFile: server.certFile, keyFile: server.keyFile } }, quiet),
    ).toThrow(/needs a way for proxies to prove who they are/);
    const s = createXdsSecurity(
      {
        repo: '.',
        xdsTls: { certFile: server.certFile, keyFile: server.keyFile, clientCaFile: ca.certFile },
      },
      quiet,
    );
    expect(s.required).toBe(true);
    expect(s.credentials?._isSecure()).toBe(true);
    s.close();
    expect(() =>
      createXdsSecurity({ repo: '.', xdsTls: { certFile: server.certFile, keyFile: ca.keyFile } }, quiet),
    ).toThrow(/does not belong to certificate/);
    expect(createXdsSecurity({ repo: '.' }, quiet).required).toBe(false);
  });
});
