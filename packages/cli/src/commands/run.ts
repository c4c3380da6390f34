import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ApiKey, ApiKeysError, loadApiKeys } from '@plexus/api';
import {
  ConfigFileError,
  type DaemonOptions,
  DEFAULT_HTTP_LISTEN,
  DEFAULT_XDS_LISTEN,
  DEFAULT_XDS_LISTEN_TLS,
  layerOptions,
  loadDaemonConfig,
  optionsFromConfig,
  parseHostPort,
  startDaemon,
} from '@plexus/daemon';
import type { DiscoverySettings } from '@plexus/plugin-api';
import type { SourceFile } from '@plexus/spec';
import { parse as parseYaml } from 'yaml';
import { readOptionFile } from '../import-readers.ts';
import type { Command } from '../main.ts';
import { integerFlag } from '../numbers.ts';
import { UsageError } from '../parse-args.ts';
import { pluginPackages } from '../plugin-keys.ts';

// Below this a remote is polled so often that ls-remote becomes the load; replicas in tests poll every 500 ms.
const MIN_POLL_MS = 100;

const usage = `usage: plexus run --repo PATH|URL [--branch B | --tag T | --commit SHA] [--path SUBDIR]
                   [--xds-listen HOST:PORT] [--http-listen HOST:PORT] [--plugin PKG]...
                   [--discovery-settings FILE] [--poll-interval MS] [--webhook-secret-file FILE]
                   [--state-dir DIR] [--token-env VAR | --token-file FILE] [--cache-dir DIR] [--parameters FILE] [--values FILE]
                   [--telemetry on|off] [--telemetry-cluster NAME]
                   [--xds-tls-cert FILE --xds-tls-key FILE [--xds-client-ca FILE]] [--trust-domain D]
                   [--xds-insecure] [--config FILE] [--api-keys FILE]

Runs the reconciler: every commit of the repo's branch is validated, translated and served over xDS (ADS).
A bad commit is never pushed; the last good one keeps serving. Defaults: --xds-listen ${DEFAULT_XDS_LISTEN},
--http-listen ${DEFAULT_HTTP_LISTEN} (GET /healthz /readyz /metrics /api/v1/status, POST /webhook).
A local git work tree tracks the branch's committed HEAD; a plain directory is watched file by file.
--plugin loads a discovery plugin package (exporting an inversify ContainerModule) besides the built-ins; repeat
it or comma-separate packages, as in every command.
--poll-interval: how often a remote repo is checked (ms, at least ${MIN_POLL_MS}; default 30000).
POST /webhook checks an HMAC signature with the secret from --webhook-secret-file or $PLEXUS_WEBHOOK_SECRET
(--webhook-secret S works too, but shows in ps); without one, deliveries are accepted unsigned (a warning says so).
--discovery-settings reads a JSON or YAML file of plugin settings: {aws: {region, endpoint}, pollIntervalMs,
plugins: {eks: {server, token}, dns: {servers}, ...}} (see docs/plugins.md).
--state-dir keeps the last applied revision's files, so a restart serves it again even if HEAD is broken.
A remote HTTPS repo takes a token from --token-env or --token-file (never logged); isomorphic-git has no SSH:
use an HTTPS URL with a token.
--telemetry (default on): proxies stream their egress access logs to the xDS port through their bootstrap's
--telemetry-cluster (default xds_cluster, what \`plexus bootstrap\` writes); per-edge traffic on /metrics,
/api/v1/telemetry/edges and the console at /ui/ (docs/telemetry.md).
--xds-tls-cert/--xds-tls-key serve xDS over TLS (re-read when the files change; default listen then
${DEFAULT_XDS_LISTEN_TLS}); --xds-client-ca verifies client certificates whose URI SAN
spiffe://<trust-domain>/mesh/<m>/virtualNode/<n> is that proxy (--trust-domain, default plexus.local).
Without TLS, xDS listens on loopback only; a plaintext listener elsewhere needs --xds-insecure.
--api-keys serves the App Mesh API (aws appmesh ... --endpoint-url http://HOST:PORT) on the HTTP listener:
a YAML list of {accessKeyId, secretAccessKey, author: "Name <email>", meshes?: [...]}; requests are SigV4
verified against it, and writes become commits by that author (docs/api.md).
--config reads the operator's daemon config (YAML sections xds, identity, admin, api; README "Securing Plexus");
flags given on the command line win over it.

CloudFormation templates, CDK cloud assemblies and Terraform in the repo load beside the spec formats; their
parameters and values come from the repo (<template>.parameters.json, terraform.tfvars, plexus-values.yaml) and
from --parameters FILE / --values FILE, which win (see docs/import.md).`;

export const command: Command = {
  summary: 'run the reconciler daemon (Git → validate → xDS)',
  usage,
  async run(argv) {
    let values: ReturnType<typeof parse>['values'];
    try {
      ({ values } = parse(argv));
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    if (!values.repo) {
      console.error(`plexus run: --repo is required\n${usage}`);
      return 2;
    }
    if (Boolean(values['xds-tls-cert']) !== Boolean(values['xds-tls-key'])) {
      console.error(`plexus run: --xds-tls-cert and --xds-tls-key go together\n${usage}`);
      return 2;
    }
    if (values['xds-client-ca'] && !values['xds-tls-cert']) {
      console.error(`plexus run: --xds-client-ca needs --xds-tls-cert and --xds-tls-key\n${usage}`);
      return 2;
    }
    let fromFile: Partial<DaemonOptions> = {};
    if (values.config) {
      try {
        fromFile = optionsFromConfig(loadDaemonConfig(values.config));
      } catch (err) {
        console.error(
          err instanceof ConfigFileError ? err.message : `plexus run: --config: ${(err as Error).message}`,
        );
        return 2;
      }
    }
    const xdsTls = values['xds-tls-cert']
      ? {
          certFile: values['xds-tls-cert'],
          keyFile: values['xds-tls-key']!,
          clientCaFile: values['xds-client-ca'],
        }
      : undefined;
    let pollIntervalMs: number | undefined;
    let webhookSecret: string | undefined;
    try {
      pollIntervalMs = integerFlag('--poll-interval', values['poll-interval'], {
        min: MIN_POLL_MS,
        unit: 'ms',
      });
      webhookSecret = readWebhookSecret(values);
      for (const flag of ['xds-listen', 'http-listen'] as const) checkListen(`--${flag}`, values[flag]);
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}${err instanceof UsageError ? `\n${usage}` : ''}`);
      return 2;
    }
    let discoverySettings: DiscoverySettings | undefined;
    if (values['discovery-settings']) {
      try {
        discoverySettings = parseYaml(
          readFileSync(values['discovery-settings'], 'utf8'),
        ) as DiscoverySettings;
      } catch (err) {
        console.error(
          `plexus run: --discovery-settings ${values['discovery-settings']}: ${(err as Error).message}`,
        );
        return 2;
      }
    }
    const telemetry = values.telemetry ?? 'on';
    if (telemetry !== 'on' && telemetry !== 'off') {
      console.error(`plexus run: --telemetry must be on or off (got '${telemetry}')`);
      return 2;
    }
    const auth =
      values['token-env'] || values['token-file']
        ? { tokenEnv: values['token-env'], tokenFile: values['token-file'] }
        : undefined;
    let importOptions: { parameters?: SourceFile; values?: SourceFile };
    try {
      importOptions = {
        parameters: readOptionFile(values.parameters),
        values: readOptionFile(values.values),
      };
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}`);
      return 2;
    }
    let apiKeys: ApiKey[] | undefined;
    if (values['api-keys']) {
      try {
        apiKeys = loadApiKeys(values['api-keys']);
      } catch (err) {
        console.error(
          `plexus run: --api-keys: ${err instanceof ApiKeysError ? err.message : (err as Error).message}`,
        );
        return 2;
      }
    }
    const api =
      apiKeys || fromFile.api ? { ...fromFile.api, ...(apiKeys ? { keys: apiKeys } : {}) } : undefined;
    let daemon: Awaited<ReturnType<typeof startDaemon>>;
    try {
      daemon = await startDaemon({
        ...layerOptions(fromFile, {
          xdsListen: values['xds-listen'],
          xdsTls,
          xdsInsecure: values['xds-insecure'],
          trustDomain: values['trust-domain'],
        }),
        repo: values.repo,
        branch: values.branch,
        tag: values.tag,
        commit: values.commit,
        auth,
        cacheDir: values['cache-dir'],
        discoverySettings,
        import: importOptions,
        path: values.path,
        httpListen: values['http-listen'],
        plugins: pluginPackages(values.plugin),
        pollIntervalMs,
        stateDir: values['state-dir'],
        webhookSecret,
        telemetry: { enabled: telemetry === 'on', grpcCluster: values['telemetry-cluster'] },
        api,
      });
    } catch (err) {
      console.error(`plexus run: ${(err as Error).message}`);
      return 1;
    }
    return new Promise<number>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        daemon.stop().then(
          () => resolve(0),
          (err) => {
            console.error(`plexus run: shutdown: ${(err as Error).message}`);
            resolve(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  },
};

function parse(args: string[]) {
  return parseArgs({
    args,
    options: {
      repo: { type: 'string' },
      branch: { type: 'string' },
      tag: { type: 'string' },
      commit: { type: 'string' },
      path: { type: 'string' },
      'discovery-settings': { type: 'string' },
      'token-env': { type: 'string' },
      'token-file': { type: 'string' },
      'cache-dir': { type: 'string' },
      'xds-listen': { type: 'string' },
      'http-listen': { type: 'string' },
      plugin: { type: 'string', multiple: true },
      'poll-interval': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'webhook-secret-file': { type: 'string' },
      'state-dir': { type: 'string' },
      telemetry: { type: 'string' },
      'telemetry-cluster': { type: 'string' },
      'xds-tls-cert': { type: 'string' },
      'xds-tls-key': { type: 'string' },
      'xds-client-ca': { type: 'string' },
      'trust-domain': { type: 'string' },
      'xds-insecure': { type: 'boolean' },
      config: { type: 'string' },
      'api-keys': { type: 'string' },
      parameters: { type: 'string' },
      values: { type: 'string' },
    },
    strict: true,
  });
}

/** The webhook secret: --webhook-secret-file (trailing whitespace trimmed), --webhook-secret, or the environment. */
function readWebhookSecret(values: { 'webhook-secret'?: string; 'webhook-secret-file'?: string }) {
  const file = values['webhook-secret-file'];
  if (file !== undefined && values['webhook-secret'] !== undefined) {
    throw new UsageError('give --webhook-secret or --webhook-secret-file, not both');
  }
  if (file !== undefined) {
    let secret: string;
    try {
      secret = readFileSync(file, 'utf8').trimEnd();
    } catch (err) {
      throw new Error(`--webhook-secret-file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    if (!secret) throw new Error(`--webhook-secret-file ${file} is empty`);
    return secret;
  }
  return values['webhook-secret'] ?? (process.env.PLEXUS_WEBHOOK_SECRET || undefined);
}

/** HOST:PORT with a port in 0..65535 (0: any free port, read back from the log), or a UsageError. */
function checkListen(flag: string, value: string | undefined): void {
  if (value === undefined) return;
  let port: number;
  try {
    ({ port } = parseHostPort(value));
  } catch {
    throw new UsageError(`${flag} takes HOST:PORT (got '${value}')`);
  }
  if (port > 65535) throw new UsageError(`${flag}: port ${port} is over 65535`);
}
