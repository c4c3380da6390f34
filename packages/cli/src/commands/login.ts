import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_LISTEN } from '@plexus/daemon';
import { DEFAULT_TRUST_DOMAIN, signGetCallerIdentity } from '@plexus/security';
import type { Command } from '../main.ts';

const usage = `usage: plexus login aws --node ID --out FILE [--server URL] [--server-id ID] [--region R]
                        [--refresh]

Proves this task's or instance's IAM role to the daemon and writes a node token for ID to FILE (mode 0600,
replaced atomically): the AWS SDK's credentials (task role, instance profile, environment) sign an
sts:GetCallerIdentity request that covers the header x-plexus-server-id (--server-id, default the daemon's
trust domain ${DEFAULT_TRUST_DOMAIN}); the daemon replays it to STS and maps the role to nodes (identity.aws
in its --config). Point Envoy at FILE with plexus bootstrap --token-file FILE. Run it as an init container,
or with --refresh as a sidecar that renews the token before it expires.
--server defaults to http://${DEFAULT_HTTP_LISTEN}.`;

export const command: Command = {
  summary: 'log in with AWS IAM (ECS, Fargate, EC2) and write a node token',
  usage,
  async run(argv) {
    const [method, ...rest] = argv;
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          node: { type: 'string' },
          out: { type: 'string' },
          server: { type: 'string' },
          'server-id': { type: 'string' },
          region: { type: 'string' },
          refresh: { type: 'boolean' },
        },
        strict: true,
      }));
    } catch (err) {
      console.error(`plexus login: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (method !== 'aws') {
      console.error(`plexus login: expected 'aws'\n${usage}`);
      return 2;
    }
    const node = values.node as string | undefined;
    const out = values.out as string | undefined;
    if (!node || !out) {
      console.error(`plexus login aws: --node and --out are required\n${usage}`);
      return 2;
    }
    const server = ((values.server as string | undefined) ?? `http://${DEFAULT_HTTP_LISTEN}`).replace(
      /\/$/,
      '',
    );
    const region =
      (values.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) {
      console.error('plexus login aws: no region: pass --region or set AWS_REGION');
      return 2;
    }
    const once = async (): Promise<number> => {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      const credentials = await defaultProvider()();
      const request = await signGetCallerIdentity({
        credentials,
        region,
        serverId: (values['server-id'] as string | undefined) ?? DEFAULT_TRUST_DOMAIN,
      });
      const res = await fetch(`${server}/api/v1/login/aws`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ node, request }),
      });
      const body = (await res.json().catch(() => ({}))) as {
        token?: string;
        expiresAt?: string;
        error?: string;
      };
      if (!res.ok || !body.token) throw new Error(`${res.status}: ${body.error ?? 'no token in the answer'}`);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(`${out}.tmp`, body.token, { mode: 0o600 });
      chmodSync(`${out}.tmp`, 0o600);
      renameSync(`${out}.tmp`, out);
      const expiresAt = Date.parse(body.expiresAt ?? '');
      console.error(`plexus login aws: token for ${node} written to ${out}, expires ${body.expiresAt}`);
      return expiresAt;
    };
    if (!values.refresh) {
      try {
        await once();
        return 0;
      } catch (err) {
        console.error(`plexus login aws: ${(err as Error).message}`);
        return 1;
      }
    }
    // sidecar: renew at 80% of each token's life; retry failures every 10 s; stop on SIGTERM
    return new Promise<number>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const stop = () => {
        clearTimeout(timer);
        resolve(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      const loop = async () => {
        let wait = 10_000;
        try {
          const expiresAt = await once();
          wait = Math.max(1000, (expiresAt - Date.now()) * 0.8);
        } catch (err) {
          console.error(`plexus login aws: ${(err as Error).message}; retrying in 10 s`);
        }
        timer = setTimeout(loop, wait);
      };
      void loop();
    });
  },
};
