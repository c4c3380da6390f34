/**
 * GitOps from a REMOTE repository: a bare repo served by the real `git http-backend` on 127.0.0.1 (token
 * required), pushed to from a separate work clone with the git CLI, and the daemon in-process tracking
 * http://127.0.0.1:PORT/colorapp.git with its token read from a file. What front is served is read back over
 * a raw ADS stream. Polling, a signed GitHub webhook, a broken commit, a force-push and token rotation; the
 * token must never reach the daemon's log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, startDaemon } from '@plexus/daemon';
import { staysQuiet, waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteRepo, ROUTE_FILE, startRemoteRepo, type Weights } from './remote-repo.ts';
import { deliverGithubPush, servedWeights, status } from './served.ts';

const TOKEN = `plexus-e2e-${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec-${randomBytes(8).toString('hex')}`;

let root: string;
let remote: RemoteRepo;
let tokenFile: string;
let polling: Daemon | undefined;
let hooked: Daemon | undefined;
/** Every line both daemons logged (pino at debug level). */
let logText = '';
const logStream = {
  write(line: string) {
    logText += line;
  },
};

function daemonOptions(name: string, pollIntervalMs: number) {
  return {
    repo: remote.url,
    branch: 'main',
    pollIntervalMs,
    auth: { tokenFile },
    cacheDir: join(root, `cache-${name}`),
    xdsListen: '127.0.0.1:0',
    httpListen: '127.0.0.1:0',
    builtinPlugins: ['@plexus/discovery-static'],
    drainMs: 200,
    logger: pino({ level: 'debug', base: { daemon: name } }, logStream),
  };
}

async function applied(daemon: Daemon, sha: string, what: string): Promise<void> {
  await waitFor(async () => (await status(daemon.httpPort)).revision.applied === sha, {
    timeoutMs: 20_000,
    intervalMs: 50,
    what,
  });
}

async function serves(daemon: Daemon, want: Weights, what: string): Promise<void> {
  let last: Weights | undefined;
  await waitFor(
    async () => {
      last = await servedWeights(daemon.xdsPort);
      return JSON.stringify(last) === JSON.stringify(want);
    },
    { timeoutMs: 20_000, intervalMs: 100, what: `${what} (served ${JSON.stringify(last)})` },
  );
}

let initial: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'plexus-remote-gitops-e2e-'));
  tokenFile = join(root, 'git-token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  remote = await startRemoteRepo(root, TOKEN);
  remote.clone.writeMesh({ red: 1, blue: 1, green: 1 });
  initial = remote.clone.commit('colorapp: even split');
  await remote.clone.push();
  polling = await startDaemon(daemonOptions('polling', 300));
});

afterAll(async () => {
  await polling?.stop();
  await hooked?.stop();
  await remote?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('remote repository over HTTP with a token file (git http-backend)', () => {
  it('applies the pushed revision and serves its weights', async () => {
    expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/colorapp\.git$/);
    await applied(polling!, initial, 'the initial push to be applied');
    await serves(polling!, { red: 1, blue: 1, green: 1 }, 'the initial weights');
    expect(remote.server.unauthorized).toBe(0);
  });

  it('an unchanged remote costs a ref listing per poll, never a fetch', async () => {
    const { fetches, listings } = remote.server;
    await waitFor(() => remote.server.listings >= listings + 6, { what: 'several more polls' });
    expect(remote.server.fetches).toBe(fetches);
  });

  it('polling alone applies a push of new weights', async () => {
    const sha = await remote.clone.commitAndPush({ red: 0, blue: 3, green: 1 }, 'shift to blue');
    await applied(polling!, sha, 'the pushed weights to be applied by polling');
    await serves(polling!, { red: 0, blue: 3, green: 1 }, 'the polled weights');
  });

  it('a broken push is never applied: status names file:line and field, served weights are unchanged', async () => {
    const good = (await status(polling!.httpPort)).revision.applied;
    remote.clone.setWeights({ red: 1000, blue: 0, green: 0 });
    const line = remote.clone.lineOf('weight: 1000');
    const bad = remote.clone.commit('broken: weight out of range');
    await remote.clone.push();
    await waitFor(async () => (await status(polling!.httpPort)).revision.attempted === bad, {
      timeoutMs: 20_000,
      what: 'the broken push to be attempted',
    });
    const s = await status(polling!.httpPort);
    expect(s.revision.applied).toBe(good);
    expect(s.revision.error).toMatchObject({ revision: bad, stage: 'load', file: ROUTE_FILE, line });
    expect(s.revision.error?.field).toContain('weightedTargets[0].weight');
    expect(s.revision.error?.errors.join('\n')).toContain(`${ROUTE_FILE}:${line}:`);
    expect(await servedWeights(polling!.xdsPort)).toEqual({ red: 0, blue: 3, green: 1 });

    const fixed = await remote.clone.commitAndPush({ red: 1, blue: 0, green: 4 }, 'fix: mostly green');
    await applied(polling!, fixed, 'the fix to be applied');
    expect((await status(polling!.httpPort)).revision).toEqual({
      applied: fixed,
      attempted: fixed,
      error: null,
    });
    await serves(polling!, { red: 1, blue: 0, green: 4 }, 'the fixed weights');
  });

  it('a force-pushed rewritten history is applied', async () => {
    const before = remote.clone.git('rev-parse', 'HEAD');
    remote.clone.git('reset', '-q', '--hard', initial);
    remote.clone.setWeights({ red: 5, blue: 1, green: 0 });
    const rewritten = remote.clone.commit('rewritten: mostly red');
    await remote.clone.push(true);
    expect(await remote.clone.remoteHead()).toBe(rewritten);
    // the old head is no longer in the branch's history
    expect(() => remote.clone.git('merge-base', '--is-ancestor', before, rewritten)).toThrow();
    await applied(polling!, rewritten, 'the force-pushed head to be applied');
    await serves(polling!, { red: 5, blue: 1, green: 0 }, 'the force-pushed weights');

    // a pure rollback: the branch forced back to a commit the daemon applied before
    remote.clone.git('reset', '-q', '--hard', initial);
    await remote.clone.push(true);
    await applied(polling!, initial, 'the rolled-back head to be applied');
    await serves(polling!, { red: 1, blue: 1, green: 1 }, 'the rolled-back weights');
  });

  it('a rotated token file is re-read: a wrong token stops fetching (logged), the right one resumes', async () => {
    const good = (await status(polling!.httpPort)).revision.applied;
    const refusedBefore = remote.server.unauthorized;
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    writeFileSync(tokenFile, wrong);
    const next = await remote.clone.commitAndPush({ red: 2, blue: 2, green: 1 }, 'while the token is wrong');
    await waitFor(
      () => remote.server.unauthorized > refusedBefore && logText.includes('authentication failed'),
      {
        timeoutMs: 20_000,
        what: 'the wrong token to be refused and logged',
      },
    );
    expect((await status(polling!.httpPort)).revision.applied).toBe(good);
    expect(logText).not.toContain(wrong);
    writeFileSync(tokenFile, `${TOKEN}\n`);
    await applied(polling!, next, 'the push to be applied once the token file is right again');
    await serves(polling!, { red: 2, blue: 2, green: 1 }, 'the weights after the token rotation');
  });

  it('a signed GitHub webhook applies a push at once; a forged one is refused and changes nothing', async () => {
    await polling!.stop();
    polling = undefined;
    hooked = await startDaemon({ ...daemonOptions('webhook', 10 * 60_000), webhookSecret: WEBHOOK_SECRET });
    const head = remote.clone.git('rev-parse', 'HEAD');
    await applied(hooked, head, 'the webhook daemon to apply HEAD at start');
    await serves(hooked, { red: 2, blue: 2, green: 1 }, 'the webhook daemon’s initial weights');

    const sha = await remote.clone.commitAndPush({ red: 0, blue: 1, green: 9 }, 'webhook: to green');
    const payload = {
      ref: 'refs/heads/main',
      before: head,
      after: sha,
      repository: { full_name: 'plexus/colorapp', clone_url: remote.url },
    };
    const listingsBefore = remote.server.listings;
    const forged = await deliverGithubPush(hooked.httpPort, 'not-the-secret', payload);
    expect(forged.status).toBe(401);
    // a forged delivery triggers nothing: no ref listing reaches the server, nothing new is applied
    await staysQuiet(() => remote.server.listings !== listingsBefore, {
      quietMs: 500,
      what: 'no ref listing after a forged delivery',
    });
    expect(logText).toContain('webhook delivery refused');
    expect((await status(hooked.httpPort)).revision.applied).toBe(head);
    expect(await servedWeights(hooked.xdsPort)).toEqual({ red: 2, blue: 2, green: 1 });

    const signed = await deliverGithubPush(hooked.httpPort, WEBHOOK_SECRET, payload);
    expect(signed.status).toBe(202);
    expect(JSON.parse(signed.body)).toMatchObject({ accepted: true, via: 'github' });
    await applied(hooked, sha, 'the webhook-triggered push to be applied');
    await serves(hooked, { red: 0, blue: 1, green: 9 }, 'the webhook weights');
    expect(remote.server.listings).toBeGreaterThan(listingsBefore);
  });

  it('the token never appears in the daemons’ logs', () => {
    // the capture is real: both daemons logged their revisions, the repo URL and the auth failure
    expect(logText).toContain('"daemon":"polling"');
    expect(logText).toContain('"daemon":"webhook"');
    expect(logText).toContain('revision seen');
    expect(logText).toContain(remote.url);
    expect(logText).toContain('authentication failed');
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    for (const secret of [TOKEN, basic, encodeURIComponent(TOKEN)]) expect(logText).not.toContain(secret);
    expect(logText).not.toContain(WEBHOOK_SECRET);
  });

  it('the token is not written into either daemon’s clone cache', () => {
    for (const name of ['polling', 'webhook']) {
      const dir = join(root, `cache-${name}`);
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' });
      expect(files).toContain('config');
      for (const f of files) {
        const path = join(dir, f);
        if (statSync(path).isFile()) expect(readFileSync(path).includes(TOKEN)).toBe(false);
      }
    }
  });
});
