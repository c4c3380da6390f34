import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  issueNodeToken,
  NodeTokenAuthenticator,
  NodeTokenKeys,
  parseDuration,
  verifyNodeToken,
} from '../src/index.ts';

const NODE = 'mesh/m/virtualNode/a';
const dir = () => mkdtempSync(join(tmpdir(), 'plexus-keys-'));

describe('node tokens', () => {
  it('are ES256 JWTs naming the proxy, stored keys mode 0600, verified with their expiry', async () => {
    const keys = new NodeTokenKeys(dir());
    await keys.ensure();
    expect(statSync(keys.file).mode & 0o777).toBe(0o600);
    const { token, expiresAt } = await issueNodeToken(keys, { node: NODE, ttlMs: parseDuration('15m') });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'plexus', aud: 'plexus-xds', sub: NODE });
    expect(expiresAt - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(await verifyNodeToken(keys, token)).toMatchObject({ node: NODE, expiresAt });
  });

  it('refuse an expired token, a tampered one, and a node that is no proxy key', async () => {
    const keys = new NodeTokenKeys(dir());
    await keys.ensure();
    const { token } = await issueNodeToken(keys, { node: NODE, ttlMs: 1000 });
    await new Promise((r) => setTimeout(r, 2100));
    expect(await verifyNodeToken(keys, token)).toEqual({ refusal: 'node token expired' });
    const good = (await issueNodeToken(keys, { node: NODE })).token;
    const [h, , sig] = good.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 'plexus', aud: 'plexus-xds', sub: 'mesh/m/virtualNode/b', exp: 9e9 })).toString('base64url')}.${sig}`;
    expect(await verifyNodeToken(keys, forged)).toEqual({ refusal: 'node token: bad signature' });
    await expect(issueNodeToken(keys, { node: 'colorapp/front' })).rejects.toThrow(/--node: expected mesh/);
    await expect(issueNodeToken(keys, { node: NODE, ttlMs: parseDuration('400d') })).rejects.toThrow(
      /longer/,
    );
  });

  it('rotation: new tokens use the new key, old ones verify until the key ages out', async () => {
    const d = dir();
    const keys = new NodeTokenKeys(d);
    await keys.ensure();
    const daemonView = new NodeTokenKeys(d);
    const old = (await issueNodeToken(keys, { node: NODE })).token;
    const kid = await keys.rotate();
    const fresh = (await issueNodeToken(keys, { node: NODE })).token;
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    await new Promise((r) => setTimeout(r, 1100)); // the daemon's view re-reads the file at most once a second
    expect(await verifyNodeToken(daemonView, fresh)).toMatchObject({ node: NODE });
    expect(await verifyNodeToken(daemonView, old)).toMatchObject({ node: NODE });
    // once a retired key is older than the longest token life, its tokens no longer verify
    const file = JSON.parse(readFileSync(keys.file, 'utf8'));
    file.keys[0].retiredAt = Date.now() - file.maxTtlMs - 1;
    writeFileSync(keys.file, JSON.stringify(file));
    await new Promise((r) => setTimeout(r, 1100));
    expect(await verifyNodeToken(daemonView, old)).toMatchObject({
      refusal: expect.stringMatching(/rotated out/),
    });
  });

  it('the authenticator takes only node tokens: other bearers are left to other methods', async () => {
    const keys = new NodeTokenKeys(dir());
    await keys.ensure();
    const a = new NodeTokenAuthenticator(keys);
    const caller = (bearer?: string) => ({
      peer: '127.0.0.1:1',
      metadata: {},
      bearer,
      node: { id: NODE, cluster: '' },
      proxyKey: NODE,
    });
    expect(await a.authenticate(caller())).toBeUndefined();
    expect(
      await a.authenticate(caller('eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.x')),
    ).toBeUndefined();
    const { token } = await issueNodeToken(keys, { node: 'mesh/m/virtualNode/*' });
    expect(await a.authenticate(caller(token))).toMatchObject({
      method: 'token',
      nodes: ['mesh/m/virtualNode/*'],
    });
  });

  it('durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(() => parseDuration('1 day')).toThrow(/expected a duration/);
  });
});
