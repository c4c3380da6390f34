/**
 * The mesh CA in the daemon: the backend the `ca` section chose, the translate options that turn ACM fields
 * into mesh CA secrets, and the hook that issues certificates before a config reaches the xDS server.
 */
import {
  AwsPcaCa,
  type CaBackend,
  certificateNeeds,
  FilesCa,
  GeneratedCa,
  MeshCa,
  MeshCertificates,
} from '@plexus/ca';
import { DEFAULT_TRUST_DOMAIN } from '@plexus/security';
import { meshCertificateSecretName, meshTrustBundleSecretName } from '@plexus/translate';
import type { Logger } from 'pino';
import type { Channels, ConfigSnapshot } from './messages.ts';
import type { CaOptions, DaemonOptions } from './options.ts';
import type { CoreStages, XdsServer } from './stages.ts';

export interface StartedMeshCa {
  ca: MeshCa;
  options: CaOptions;
}

function backendFor(o: CaOptions, options: DaemonOptions, trustDomain: string, log: Logger): CaBackend {
  if (o.backend === 'files') {
    if (!o.files) throw new Error('ca.backend files needs ca.files.certificateChain and ca.files.privateKey');
    return new FilesCa({
      ...o.files,
      retireAfterMs: o.leafLifetimeMs,
      onError: (err) =>
        log.warn({ err: err.message }, 'CA files changed but do not load; the previous CA keeps signing'),
    });
  }
  if (o.backend === 'aws-pca') {
    if (!o.awsPca) throw new Error('ca.backend aws-pca needs ca.awsPca.certificateAuthorityArn');
    return new AwsPcaCa(o.awsPca);
  }
  if (!options.stateDir) {
    throw new Error(
      'ca.backend generated keeps the CA key in --state-dir: pass --state-dir, or choose ca.backend files or aws-pca',
    );
  }
  return new GeneratedCa({ stateDir: options.stateDir, trustDomain });
}

/** Loads (or creates) the CA before anything is served; undefined when the `ca` section is absent. */
export async function startMeshCa(
  options: DaemonOptions,
  logger: Logger,
): Promise<StartedMeshCa | undefined> {
  const o = options.ca;
  if (!o) return undefined;
  const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const log = logger.child({ stage: 'ca' });
  const backend = backendFor(o, options, trustDomain, log);
  await backend.start();
  log.info({ backend: backend.kind, trustDomain, anchors: backend.trustBundle().length }, 'mesh CA ready');
  return { ca: new MeshCa({ backend, trustDomain, leafLifetimeMs: o.leafLifetimeMs }), options: o };
}

/** The translate options with ACM fields mapped to the mesh CA. */
export function withMeshCa(
  options: DaemonOptions['translateOptions'],
  started: StartedMeshCa | undefined,
): DaemonOptions['translateOptions'] {
  if (!started) return options;
  const meshCa = {
    trustDomain: started.ca.trustDomain,
    acmCertificateAuthorityArns: started.options.acmCertificateAuthorityArns ?? [],
    mutualTls: started.options.mutualTls ?? false,
  };
  if (typeof options === 'function') return (key: string) => ({ ...(options(key) ?? {}), meshCa });
  return { ...(options ?? {}), meshCa };
}

/**
 * Issues, renews and forgets per-proxy certificates; `prepare` runs before each config snapshot is pushed, so a
 * proxy's secrets are in place before the listeners and clusters that name them.
 */
export function meshCaIssuer(
  started: StartedMeshCa,
  xds: XdsServer,
  stages: CoreStages,
  channels: Channels,
  logger: Logger,
): { prepare: (snap: ConfigSnapshot) => Promise<void>; stop: () => void; certificates: MeshCertificates } {
  const log = logger.child({ stage: 'ca' });
  const td = started.ca.trustDomain;
  const setSecrets = xds.setProxySecrets?.bind(xds);
  if (!setSecrets) throw new Error('the mesh CA needs an xDS server with setProxySecrets');
  const certificates = new MeshCertificates({
    ca: started.ca,
    sink: (key, secrets) => setSecrets(key, secrets),
    certificateSecretName: (key) => {
      const ref = stages.parseProxyId(key);
      if (!ref) throw new Error(`not a proxy key: ${key}`);
      return meshCertificateSecretName(td, ref);
    },
    bundleSecretName: meshTrustBundleSecretName(td),
    bundleLeadMs: started.options.bundleLeadMs,
    onIssued: (c, why) =>
      log.info(
        { proxy: c.proxyKey, serial: c.serial, notAfter: c.notAfter.toISOString(), why },
        'certificate issued',
      ),
    onError: (proxy, err) => log.warn({ proxy, err: err.message }, 'certificate issue failed; retrying'),
  });
  return {
    certificates,
    async prepare(snap) {
      const graph = channels.graphs.latest()?.graph;
      const wanted = new Map<string, ReturnType<typeof certificateNeeds> & object>();
      for (const [key, config] of snap.configs) {
        const ref = stages.parseProxyId(key);
        const needs = ref ? certificateNeeds(td, ref, config, graph) : undefined;
        if (needs) wanted.set(key, needs);
      }
      await certificates.sync(wanted);
    },
    stop: () => {
      certificates.stop();
      started.ca.backend.close();
    },
  };
}
