import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_HTTP_LISTEN, DEFAULT_XDS_LISTEN, startDaemon } from '@plexus/daemon';
import type { DiscoverySettings } from '@plexus/plugin-api';
import type { SourceFile } from '@plexus/spec';
import { parse as parseYaml } from 'yaml';
import { readOptionFile } from '../import-readers.ts';
import type { Command } from '../main.ts';

const usage = `usage: plexus run --repo PATH|URL [--branch B | --tag T | --commit SHA] [--path SUBDIR]
                   [--xds-listen HOST:PORT] [--http-listen HOST:PORT] [--plugin PKG]...
                   [--discovery-settings FILE] [--poll-interval MS] [--webhook-secret S] [--state-dir DIR]
                   [--token-env VAR | --token-file FILE] [--cache-dir DIR] [--parameters FILE] [--values FILE]

Runs the reconciler: every commit of the repo's branch is validated, translated and served over xDS (ADS).
A bad commit is never pushed; the last good one keeps serving. Defaults: --xds-listen ${DEFAULT_XDS_LISTEN},
--http-listen ${DEFAULT_HTTP_LISTEN} (GET /healthz /readyz /metrics /api/v1/status, POST /webhook).
A local git work tree tracks the branch's committed HEAD; a plain directory is watched file by file.
--plugin loads a discovery plugin package (exporting an inversify ContainerModule) besides the built-ins.
--discovery-settings reads a JSON or YAML file of plugin settings: {aws: {region, endpoint}, pollIntervalMs,
plugins: {eks: {server, token}, dns: {servers}, ...}} (see docs/plugins.md).
--state-dir keeps the last applied revision's files, so a restart serves it again even if HEAD is broken.
A remote HTTPS repo takes a token from --token-env or --token-file (never logged); isomorphic-git has no SSH:
use an HTTPS URL with a token.
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
    const pollIntervalMs = values['poll-interval'] ? Number(values['poll-interval']) : undefined;
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
    let daemon: Awaited<ReturnType<typeof startDaemon>>;
    try {
      daemon = await startDaemon({
        repo: values.repo,
        branch: values.branch,
        tag: values.tag,
        commit: values.commit,
        auth,
        cacheDir: values['cache-dir'],
        discoverySettings,
        import: importOptions,
        path: values.path,
        xdsListen: values['xds-listen'],
        httpListen: values['http-listen'],
        plugins: values.plugin ?? [],
        pollIntervalMs,
        stateDir: values['state-dir'],
        webhookSecret: values['webhook-secret'] ?? process.env.PLEXUS_WEBHOOK_SECRET,
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
      'state-dir': { type: 'string' },
      parameters: { type: 'string' },
      values: { type: 'string' },
    },
    strict: true,
  });
}
