/** What the daemon says about its own set-up: never a credential, and a warning for unsigned webhooks. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '../src/index.ts';
import { redactUrl } from '../src/redact-url.ts';
import { FakeDiscovery, FakeSource, FakeXds, fakeStages } from './fakes.ts';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

async function startLogged(repo: string, webhookSecret?: string): Promise<string[]> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  daemon = await startDaemon({
    repo,
    webhookSecret,
    httpListen: '127.0.0.1:0',
    xdsListen: '127.0.0.1:0',
    logger: pino({ level: 'debug' }, sink),
    overrides: {
      stages: { ...fakeStages(), createWebhookHandler: () => (_req, res) => res.end() },
      source: new FakeSource(),
      createXds: () => new FakeXds(),
      discovery: new FakeDiscovery(),
      discoveryPlugins: [],
    },
  });
  await daemon.stop();
  return lines;
}

it('never logs the credentials of a repository URL', async () => {
  const lines = await startLogged('https://deploy:s3cr3t-t0ken@git.example.com/team/mesh.git', 'whsec');
  expect(lines.join('\n')).not.toContain('s3cr3t-t0ken');
  expect(lines.find((l) => l.includes('plexus daemon started'))).toContain(
    '"repo":"https://***@git.example.com/team/mesh.git"',
  );
  expect(redactUrl('/srv/specs')).toBe('/srv/specs');
  expect(redactUrl('https://git.example.com/x.git')).toBe('https://git.example.com/x.git');
});

it('warns at start-up when webhook deliveries are accepted unsigned, and only then', async () => {
  const unsigned = await startLogged('/nowhere');
  expect(unsigned.filter((l) => l.includes('POST /webhook accepts unsigned deliveries'))).toHaveLength(1);
  const signed = await startLogged('/nowhere', 'whsec');
  expect(signed.join('\n')).not.toContain('unsigned');
});
