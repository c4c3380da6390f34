import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { parseApiKeys } from '../src/auth/api-keys.ts';
import { type ReceivedRequest, verifySigV4 } from '../src/auth/sigv4.ts';

const key = {
  accessKeyId: 'AKIAPLEXUSUNIT0001',
  secretAccessKey: 'unit-secret-unit-secret',
  author: 'U <u@x.io>',
};
const keys = new Map([[key.accessKeyId, key]]);

async function signed(at: Date, body = '{"spec":{}}'): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    service: 'appmesh',
    region: 'us-west-2',
    credentials: key,
    sha256: Sha256,
  });
  const req = await signer.sign(
    {
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9090,
      path: '/v20190125/meshes/m%20x/virtualNodes/a',
      query: { meshOwner: '123' },
      headers: { host: '127.0.0.1:9090', 'content-type': 'application/json' },
      body,
    },
    { signingDate: at },
  );
  return {
    method: 'PUT',
    path: '/v20190125/meshes/m%20x/virtualNodes/a',
    query: 'meshOwner=123',
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: new TextEncoder().encode(body),
  };
}

describe('SigV4 verification', () => {
  it('accepts what the SDK signer signs and names the key', async () => {
    const now = new Date();
    expect((await verifySigV4(await signed(now), keys, { region: 'us-west-2', now })).author).toBe(
      'U <u@x.io>',
    );
  });

  it('refuses an expired signature, a changed body and a changed path', async () => {
    const now = new Date();
    const old = await signed(new Date(now.getTime() - 6 * 60_000));
    await expect(verifySigV4(old, keys, { region: 'us-west-2', now })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired/),
    });
    const tampered = { ...(await signed(now)), body: new TextEncoder().encode('{"spec":{"x":1}}') };
    await expect(verifySigV4(tampered, keys, { region: 'us-west-2', now })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
    const moved = { ...(await signed(now)), path: '/v20190125/meshes/other/virtualNodes/a' };
    await expect(verifySigV4(moved, keys, { region: 'us-west-2', now })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });

  it('never puts the secret in a message', async () => {
    const now = new Date();
    const bad = await signed(now);
    bad.headers.authorization = String(bad.headers.authorization).replace(
      /Signature=\w+/,
      `Signature=${'0'.repeat(64)}`,
    );
    const err = await verifySigV4(bad, keys, { region: 'us-west-2', now }).catch((e) => e);
    expect(err.message).not.toContain(key.secretAccessKey);
  });
});

describe('--api-keys file', () => {
  it('reads a list of keys; every problem names file:line and the field, never the secret', () => {
    expect(
      parseApiKeys(
        '- accessKeyId: AKIAPLEXUSUNIT0001\n  secretAccessKey: unit-secret-unit-secret\n  author: A <a@x.io>\n  meshes: [colorapp]\n',
        'keys.yaml',
      ),
    ).toEqual([
      {
        accessKeyId: 'AKIAPLEXUSUNIT0001',
        secretAccessKey: 'unit-secret-unit-secret',
        author: 'A <a@x.io>',
        meshes: ['colorapp'],
      },
    ]);
    let message = '';
    try {
      parseApiKeys(
        '- accessKeyId: AKIAPLEXUSUNIT0001\n  secretAccessKey: short\n  author: nobody\n',
        'keys.yaml',
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'keys.yaml:2: [0].secretAccessKey: required, at least 16 characters\nkeys.yaml:3: [0].author: required, "Name <email>"',
    );
    expect(message).not.toContain('short\n');
  });
});
