import { parseArgs } from 'node:util';
import { type BootstrapOptions, envoyBootstrap, parseHostPort } from '@plexus/daemon';
import {
  DEFAULT_INIT_IMAGE,
  DEFAULT_SIDECAR_IMAGE,
  defaultInjectConfig,
  type InjectConfig,
  MeshIndex,
  startWebhookServer,
} from '@plexus/inject';
import { createSource } from '@plexus/source';
import { loadAndValidate } from '@plexus/spec';
import { pino } from 'pino';
import type { Command } from '../main.ts';
import { pluginPackages, registerPluginDiscoveryKeys } from '../plugin-keys.ts';

const usage = `usage: plexus inject --repo PATH|URL [--branch B | --tag T | --commit SHA] [--path SUBDIR]
                      --tls-cert FILE --tls-key FILE --xds-address HOST:PORT [--listen HOST:PORT]
                      [--xds-ca-configmap NAME | --xds-ca-secret NAME] [--xds-ca-key KEY] [--server-name NAME]
                      [--token-audience AUD] [--sidecar-image IMAGE] [--init-image IMAGE] [--log-level L]
                      [--egress-ignored-ips IPS] [--sidecar-cpu-request Q] [--sidecar-memory-request Q]
                      [--sidecar-cpu-limit Q] [--sidecar-memory-limit Q] [--plugin PKG]...
                      [--token-env VAR | --token-file FILE] [--cache-dir DIR] [--poll-interval MS]

Serves the Kubernetes mutating admission webhook (admission.k8s.io/v1, HTTPS with the certificate and key
from files, re-read when they change) that gives pods the Envoy sidecar and App Mesh's proxy-init container,
honouring the App Mesh controller's namespace label and pod annotations (appmesh.k8s.aws/...). A pod's
virtual node or gateway comes from the mesh specs of --repo (the same Git source as plexus run): the CRD
whose podSelector matches the pod, a node's serviceDiscovery.eks.podSelector, or the pod's
appmesh.k8s.aws/virtualNode annotation. The sidecar's Envoy is bootstrapped to Plexus at --xds-address;
with --xds-ca-configmap/--xds-ca-secret it speaks TLS (CA from that object in the pod's namespace, key
--xds-ca-key, default ca.crt) and presents a projected service-account token (audience --token-audience,
default plexus). Endpoints: POST /mutate/enabled|disabled, GET /healthz, GET /readyz.
Defaults: --listen 0.0.0.0:9443, --sidecar-image ${DEFAULT_SIDECAR_IMAGE}, --init-image ${DEFAULT_INIT_IMAGE}.`;

const OPTIONS = {
  repo: { type: 'string' },
  branch: { type: 'string' },
  tag: { type: 'string' },
  commit: { type: 'string' },
  path: { type: 'string' },
  'token-env': { type: 'string' },
  'token-file': { type: 'string' },
  'cache-dir': { type: 'string' },
  'poll-interval': { type: 'string' },
  plugin: { type: 'string', multiple: true },
  listen: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'xds-address': { type: 'string' },
  'xds-ca-configmap': { type: 'string' },
  'xds-ca-secret': { type: 'string' },
  'xds-ca-key': { type: 'string' },
  'server-name': { type: 'string' },
  'token-audience': { type: 'string' },
  'sidecar-image': { type: 'string' },
  'init-image': { type: 'string' },
  'log-level': { type: 'string' },
  'egress-ignored-ips': { type: 'string' },
  'sidecar-cpu-request': { type: 'string' },
  'sidecar-memory-request': { type: 'string' },
  'sidecar-cpu-limit': { type: 'string' },
  'sidecar-memory-limit': { type: 'string' },
} as const;

export const command: Command = {
  summary: 'serve the Kubernetes sidecar-injection webhook (App Mesh controller labels and annotations)',
  usage,
  async run(argv) {
    let values: ReturnType<
      typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>
    >['values'];
    try {
      ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
    } catch (err) {
      console.error(`plexus inject: ${(err as Error).message}\n${usage}`);
      return 2;
    }
    for (const flag of ['repo', 'tls-cert', 'tls-key', 'xds-address'] as const) {
      if (!values[flag]) {
        console.error(`plexus inject: --${flag} is required\n${usage}`);
        return 2;
      }
    }
    if (values['xds-ca-configmap'] && values['xds-ca-secret']) {
      console.error('plexus inject: give --xds-ca-configmap or --xds-ca-secret, not both');
      return 2;
    }
    let listen: { host: string; port: number };
    try {
      listen = parseHostPort(values.listen ?? '0.0.0.0:9443');
      parseHostPort(values['xds-address']!);
    } catch (err) {
      console.error(`plexus inject: ${(err as Error).message}`);
      return 2;
    }
    const log = pino({ name: 'plexus-inject' });
    const xdsAddress = values['xds-address']!;
    const tls = Boolean(values['xds-ca-configmap'] || values['xds-ca-secret']);
    const config: InjectConfig = {
      ...defaultInjectConfig((node, files) => {
        // The TLS and token fields are those of `plexus bootstrap --xds-ca/--server-name/--token-file`.
        const options: BootstrapOptions & Record<string, unknown> = {
          node,
          xdsAddress,
          adminPort: files.adminPort,
          ...(tls
            ? { xdsCaFile: files.xdsCaFile, tokenFile: files.tokenFile, serverName: values['server-name'] }
            : {}),
        };
        return envoyBootstrap(options);
      }),
    };
    if (tls) {
      config.xdsCa = {
        configMapName: values['xds-ca-configmap'],
        secretName: values['xds-ca-secret'],
        key: values['xds-ca-key'] ?? 'ca.crt',
      };
    }
    if (values['token-audience']) config.tokenAudience = values['token-audience'];
    if (values['sidecar-image']) config.sidecarImage = values['sidecar-image'];
    if (values['init-image']) config.initImage = values['init-image'];
    if (values['log-level']) config.logLevel = values['log-level'];
    if (values['egress-ignored-ips']) config.egressIgnoredIPs = values['egress-ignored-ips'];
    if (values['sidecar-cpu-request']) config.cpuRequest = values['sidecar-cpu-request'];
    if (values['sidecar-memory-request']) config.memoryRequest = values['sidecar-memory-request'];
    if (values['sidecar-cpu-limit']) config.cpuLimit = values['sidecar-cpu-limit'];
    if (values['sidecar-memory-limit']) config.memoryLimit = values['sidecar-memory-limit'];

    const undoKeys = await registerPluginDiscoveryKeys(pluginPackages(values.plugin));
    let index: MeshIndex | undefined;
    let source: ReturnType<typeof createSource>;
    try {
      source = createSource({
        repo: values.repo!,
        branch: values.branch,
        tag: values.tag,
        commit: values.commit,
        path: values.path,
        cacheDir: values['cache-dir'],
        pollIntervalMs: values['poll-interval'] ? Number(values['poll-interval']) : undefined,
        auth:
          values['token-env'] || values['token-file']
            ? { tokenEnv: values['token-env'], tokenFile: values['token-file'] }
            : undefined,
      });
    } catch (err) {
      console.error(`plexus inject: --repo: ${(err as Error).message}`);
      return 2;
    }
    let server: Awaited<ReturnType<typeof startWebhookServer>>;
    try {
      server = await startWebhookServer({
        certFile: values['tls-cert']!,
        keyFile: values['tls-key']!,
        host: listen.host,
        port: listen.port,
        context: () => ({ index, config }),
        log: (level, msg, fields) => log[level](fields ?? {}, msg),
      });
    } catch (err) {
      console.error(`plexus inject: ${(err as Error).message}`);
      return 1;
    }
    await source.start(
      (rev) => {
        const loaded = loadAndValidate(rev.files);
        if (!loaded.ok) {
          const first = loaded.diagnostics.find((d) => d.severity === 'error');
          log.warn(
            {
              revision: rev.id,
              error: first && `${first.file}:${first.line}:${first.col}: ${first.path}: ${first.message}`,
            },
            'revision invalid: injecting from the last good one',
          );
          return;
        }
        index = MeshIndex.fromResources(loaded.resources, rev.id);
        log.info({ revision: rev.id, members: index.members.length }, 'mesh specs loaded');
      },
      (err) => log.warn({ err: err.message }, 'source error: injecting from the last good revision'),
    );
    log.info({ listen: `${listen.host}:${server.port}`, repo: values.repo }, 'plexus inject started');
    return new Promise<number>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        void Promise.all([source.stop(), server.close()]).then(() => {
          undoKeys();
          resolve(0);
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  },
};
