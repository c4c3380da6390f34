import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { issueNodeToken, NodeTokenKeys, parseDuration, ServiceAccountKeys } from '@plexus/security';
import type { Command } from '../main.ts';

const usage = `usage: plexus token create --node ID [--ttl DURATION] --state-dir DIR [--google-credentials FILE]
       plexus token rotate --state-dir DIR

create: prints a node token (a JWT signed by the daemon's key in DIR, the daemon's --state-dir) that proves
  the proxy ID (mesh/<mesh>/virtualNode/<name> or .../virtualGateway/<name>; * wildcards make a token several
  proxies may share). --ttl defaults to 24h (90s, 15m, 24h, 7d). Give it to Envoy with
  plexus bootstrap --xds-ca CA --token-file FILE, or to a gRPC client as "authorization: Bearer" call credentials.
--google-credentials FILE: instead of a token, writes a Google service-account key file (mode 0600) for a
  proxyless gRPC client on google_default channel credentials (@grpc/grpc-js-xds); the daemon keeps only the
  public key (DIR/service-account-keys.json; delete an entry to revoke it). --ttl defaults to 30d here.
rotate: a new signing key; tokens signed by the old one verify until they expire. The daemon picks the
  change up without a restart.`;

export const command: Command = {
  summary: 'create a node token (JWT) for a proxy, or rotate the signing key',
  usage,
  async run(argv) {
    const [sub, ...rest] = argv;
    let values: { node?: string; ttl?: string; 'state-dir'?: string; 'google-credentials'?: string };
    try {
      ({ values } = parseArgs({
        args: rest,
        options: {
          node: { type: 'string' },
          ttl: { type: 'string' },
          'state-dir': { type: 'string' },
          'google-credentials': { type: 'string' },
        },
        strict: true,
      }));
    } catch (err) {
      console.error(`plexus token: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    const stateDir = values['state-dir'] ?? process.env.PLEXUS_STATE_DIR;
    if (!stateDir) {
      console.error(
        `plexus token: --state-dir is required (the daemon's --state-dir, which holds its keys)\n${usage}`,
      );
      return 2;
    }
    const keys = new NodeTokenKeys(stateDir);
    if (sub === 'rotate') {
      const kid = await keys.rotate();
      console.error(`plexus token: new signing key ${kid} in ${keys.file}`);
      return 0;
    }
    if (sub !== 'create') {
      console.error(`plexus token: expected create or rotate\n${usage}`);
      return 2;
    }
    if (!values.node) {
      console.error(`plexus token create: --node is required\n${usage}`);
      return 2;
    }
    let ttlMs: number | undefined;
    try {
      ttlMs = values.ttl ? parseDuration(values.ttl) : undefined;
    } catch (err) {
      console.error(`plexus token create: --ttl: ${(err as Error).message}`);
      return 2;
    }
    const credentialsFile = values['google-credentials'];
    if (credentialsFile) {
      try {
        const { keyFile, key } = new ServiceAccountKeys(stateDir).create(
          canonical(values.node),
          ttlMs ?? 30 * 86_400_000,
        );
        writeFileSync(credentialsFile, `${JSON.stringify(keyFile, null, 2)}\n`, { mode: 0o600 });
        console.error(
          `plexus token: service-account key ${key.kid} for ${key.node} in ${credentialsFile}, valid until ${new Date(key.expiresAt).toISOString()}`,
        );
        return 0;
      } catch (err) {
        console.error(`plexus token create: ${(err as Error).message}`);
        return 1;
      }
    }
    try {
      await keys.ensure();
      const { token } = await issueNodeToken(keys, { node: canonical(values.node), ttlMs });
      console.log(token);
      return 0;
    } catch (err) {
      console.error(`plexus token create: ${(err as Error).message}`);
      return 1;
    }
  },
};

/** An App Mesh ARN names the same proxy as its `mesh/...` tail. */
function canonical(node: string): string {
  const m = /^arn:aws:appmesh:[^:]*:[^:]*:(mesh\/.+)$/.exec(node);
  return m ? m[1] : node;
}
