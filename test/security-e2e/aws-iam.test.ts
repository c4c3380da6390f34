import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { credentials, status } from '@grpc/grpc-js';
import type { Daemon } from '@plexus/daemon';
import { signGetCallerIdentity } from '@plexus/security';
import { AdsClient, type MotoServer, repoRoot, startMoto, type TestCa, XdsTypes } from '@plexus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsDaemon, type TlsDaemon } from './tls-daemon.ts';

const FRONT = 'mesh/colorapp/virtualNode/front';
const ACCOUNT = '123456789012';

/** Runs the real `plexus` CLI; resolves to its exit code and stderr. */
function plexus(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(repoRoot, 'packages/cli/bin/plexus.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('AWS IAM login (signed sts:GetCallerIdentity, real SDK, moto STS)', () => {
  let moto: MotoServer;
  let tls: TlsDaemon;
  let daemon: Daemon;
  let ca: TestCa;
  let dir: string;
  const clients: AdsClient[] = [];

  const assume = async (roleName: string) => {
    const sts = new STSClient({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
    });
    const r = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
        RoleSessionName: 'task-1',
      }),
    );
    const c = r.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  };
  const login = async (
    node: string,
    creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  ) => {
    const out = join(dir, `${node.split('/').at(-1)}-${Math.random().toString(36).slice(2)}.jwt`);
    const r = await plexus(
      ['login', 'aws', '--node', node, '--out', out, '--server', `http://127.0.0.1:${daemon.httpPort}`],
      {
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_SESSION_TOKEN: creds.sessionToken,
        AWS_REGION: moto.region,
      },
    );
    return { ...r, out };
  };
  const post = (body: object) =>
    fetch(`http://127.0.0.1:${daemon.httpPort}/api/v1/login/aws`, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    moto = await startMoto();
    tls = await startTlsDaemon({
      identity: {
        aws: {
          stsEndpoint: moto.endpoint,
          tokenTtl: '1h',
          bindings: [
            {
              roleArn: `arn:aws:iam::${ACCOUNT}:role/colorapp-*`,
              nodes: ['mesh/colorapp/virtualNode/{role}'],
            },
          ],
        },
      },
    });
    ({ daemon, ca, stateDir: dir } = tls);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await tls?.stop();
    await moto?.stop();
  });

  it('plexus login aws writes a node token for the role bound to the node; xDS accepts it', async () => {
    const r = await login('mesh/colorapp/virtualNode/colorapp-front', await assume('colorapp-front'));
    expect(r.stderr).toContain('written to');
    expect(r.code).toBe(0);
    expect(statSync(r.out).mode & 0o777).toBe(0o600);
    const token = readFileSync(r.out, 'utf8');
    const c = new AdsClient(
      `127.0.0.1:${daemon.xdsPort}`,
      {},
      { credentials: credentials.createSsl(ca.cert()), metadata: { authorization: `Bearer ${token}` } },
    );
    clients.push(c);
    const s = c.sotw({ id: 'mesh/colorapp/virtualNode/colorapp-front' });
    s.request({ typeUrl: XdsTypes.cluster });
    await s.receivesWithin(300);
    const st = daemon.status.document().proxies;
    expect(st.map((p) => p.node)).toContain('mesh/colorapp/virtualNode/colorapp-front');
  });

  it('a role asking for another node, and a role with no binding, are refused (403) naming the role', async () => {
    const other = await login(FRONT, await assume('colorapp-front'));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `403: aws arn:aws:iam::${ACCOUNT}:role/colorapp-front may be mesh/colorapp/virtualNode/colorapp-front, not ${FRONT}`,
    );
    const unbound = await login(FRONT, await assume('billing'));
    expect(unbound.stderr).toMatch(/403: .*role\/billing may be no node/);
  });

  it('checks the request shape: server id signed, STS host, action, headers, freshness', async () => {
    const creds = await assume('colorapp-front');
    const good = await signGetCallerIdentity({
      credentials: creds,
      region: moto.region,
      serverId: 'plexus.local',
    });
    const node = 'mesh/colorapp/virtualNode/colorapp-front';
    const refusal = async (request: object) =>
      ((await (await post({ node, request })).json()) as { error?: string }).error;
    expect((await post({ node, request: good })).status).toBe(200);
    expect(await refusal({ ...good, url: 'https://sts.evil.example/' })).toMatch(/not an STS endpoint/);
    expect(await refusal({ ...good, body: 'Action=AssumeRole&Version=2011-06-15' })).toMatch(
      /not GetCallerIdentity/,
    );
    expect(await refusal({ ...good, headers: { ...good.headers, 'x-extra': '1' } })).toBe(
      'aws: unexpected header x-extra',
    );
    const auth = good.headers.authorization.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=host;x-amz-date');
    expect(await refusal({ ...good, headers: { ...good.headers, authorization: auth } })).toMatch(
      /x-plexus-server-id is not signed/,
    );
    expect(await refusal({ ...good, headers: { ...good.headers, 'x-plexus-server-id': 'other' } })).toMatch(
      /signed for server 'other'/,
    );
    expect(
      await refusal({ ...good, headers: { ...good.headers, 'x-amz-date': '20200101T000000Z' } }),
    ).toMatch(/too old/);
    expect((await post({ nope: 1 })).status).toBe(400);
  });

  it('the xDS stream refuses the token for another node with PERMISSION_DENIED', async () => {
    const r = await login('mesh/colorapp/virtualNode/colorapp-front', await assume('colorapp-front'));
    const c = new AdsClient(
      `127.0.0.1:${daemon.xdsPort}`,
      {},
      {
        credentials: credentials.createSsl(ca.cert()),
        metadata: { authorization: `Bearer ${readFileSync(r.out, 'utf8')}` },
      },
    );
    clients.push(c);
    const s = c.sotw({ id: FRONT });
    s.request({ typeUrl: XdsTypes.cluster });
    expect((await s.ended()).code).toBe(status.PERMISSION_DENIED);
  });
});
