import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler } from '../src/index.ts';

const SECRET = 's3cret-hook';
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hook`;
}

describe('webhook handler (real HTTP server)', () => {
  let triggers = 0;
  let openTriggers = 0;
  let url: string;
  let openUrl: string;
  const signed = createServer(
    createWebhookHandler({ secret: SECRET, onTrigger: () => triggers++, maxBodyBytes: 4096 }),
  );
  const open = createServer(createWebhookHandler({ onTrigger: () => openTriggers++ }));

  beforeAll(async () => {
    url = await listen(signed);
    openUrl = await listen(open);
  });
  afterAll(async () => {
    for (const s of [signed, open]) await new Promise<void>((r) => s.close(() => r()));
  });

  const post = (body: string, headers: Record<string, string>, to = url) =>
    fetch(to, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  it('accepts GitHub, GitLab and generic signatures with 202 and triggers once each', async () => {
    const body = '{"ref":"refs/heads/main"}';
    const before = triggers;
    expect((await post(body, { 'x-hub-signature-256': sign(body) })).status).toBe(202);
    expect((await post(body, { 'x-gitlab-token': SECRET })).status).toBe(202);
    const res = await post(body, { 'x-plexus-signature': sign(body) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, via: 'plexus' });
    expect(triggers).toBe(before + 3);
  });

  it('rejects bad, tampered or missing signatures with 401 and does not trigger', async () => {
    const body = '{"ref":"refs/heads/main"}';
    const before = triggers;
    const cases: Record<string, string>[] = [
      { 'x-hub-signature-256': sign(body, 'other') },
      { 'x-hub-signature-256': sign(`${body} `) },
      { 'x-hub-signature-256': 'sha1=abc' },
      { 'x-gitlab-token': 'nope' },
      { 'x-plexus-signature': sign(body, 'other') },
      {},
    ];
    for (const headers of cases) expect((await post(body, headers)).status).toBe(401);
    expect(triggers).toBe(before);
  });

  it('answers a GitHub ping without triggering, refuses non-POST (405) and oversized bodies (413)', async () => {
    const before = triggers;
    const ping = '{"zen":"hi"}';
    expect((await post(ping, { 'x-github-event': 'ping', 'x-hub-signature-256': sign(ping) })).status).toBe(
      202,
    );
    expect((await fetch(url)).status).toBe(405);
    const big = 'x'.repeat(10_000);
    expect((await post(big, { 'x-hub-signature-256': sign(big) })).status).toBe(413);
    expect(triggers).toBe(before);
  });

  it('without a secret accepts unsigned deliveries', async () => {
    expect((await post('{}', {}, openUrl)).status).toBe(202);
    expect(openTriggers).toBe(1);
  });
});
