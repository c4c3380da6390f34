/**
 * The xDS listener's security, from the daemon's options: TLS credentials (re-read on change), the identity
 * methods, and the authorizer the xDS server calls before it sends a stream anything.
 */
import {
  AdminTokens,
  type Authenticator,
  bearerOf,
  ClientCertificateAuthenticator,
  createAuthorizer,
  DEFAULT_TRUST_DOMAIN,
  DiscoveryBoundAuthenticator,
  KubernetesAuthenticator,
  NodeTokenAuthenticator,
  NodeTokenKeys,
  ReloadingServerCredentials,
  ServiceAccountAuthenticator,
  ServiceAccountKeys,
} from '@plexus/security';
import type { Authorize, AuthorizeAdmin } from '@plexus/xds';
import type { Logger } from 'pino';
import { isLoopbackAddress } from './listen-address.ts';
import type { DaemonOptions } from './options.ts';

export interface XdsSecurity {
  admin: AdminTokens;
  /** Set when some mesh uses discovery-bound identity: the daemon re-checks streams on endpoint changes. */
  discoveryBound?: DiscoveryBoundAuthenticator;
  credentials?: ReloadingServerCredentials;
  authorize: Authorize;
  authorizeAdmin?: AuthorizeAdmin;
  /** Streams without a credential are refused. */
  required: boolean;
  trustDomain: string;
  close(): void;
}

export const DEFAULT_XDS_LISTEN_LOOPBACK = '127.0.0.1:18000';
export const DEFAULT_XDS_LISTEN_TLS = '0.0.0.0:18000';

/** Where xDS listens: the flag, else loopback without TLS and every address with it. */
export function xdsListenAddress(options: DaemonOptions): string {
  return options.xdsListen ?? (options.xdsTls ? DEFAULT_XDS_LISTEN_TLS : DEFAULT_XDS_LISTEN_LOOPBACK);
}

/**
 * Refuses a plaintext listener beyond loopback unless `xdsInsecure` says the operator knows; returns the
 * warning to log when it is allowed that way.
 */
export function checkPlaintextListener(options: DaemonOptions): string | undefined {
  const address = xdsListenAddress(options);
  if (options.xdsTls || isLoopbackAddress(address)) return undefined;
  if (!options.xdsInsecure) {
    throw new Error(
      `xDS on ${address} without TLS would let anyone who reaches it read every proxy's config: ` +
        'pass --xds-tls-cert and --xds-tls-key (see README "Securing Plexus"), listen on loopback, or add --xds-insecure to accept the risk',
    );
  }
  return `xDS is served in plaintext on ${address} (--xds-insecure): anyone who reaches it can read any proxy's config it can name`;
}

/** Start-up work the security wiring needs before the container is built: the node-token keys. */
export async function prepareXdsSecurity(options: DaemonOptions): Promise<void> {
  if (options.stateDir && options.nodeTokens !== false) await new NodeTokenKeys(options.stateDir).ensure();
}

/** What discovery currently attributes to a virtual node (`mesh/virtualNode` → addresses). */
export type AddressesOf = (mesh: string, virtualNode: string) => string[];

export function createXdsSecurity(
  options: DaemonOptions,
  logger: Logger,
  addressesOf: AddressesOf = () => [],
): XdsSecurity {
  const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const log = logger.child({ stage: 'security' });
  let credentials: ReloadingServerCredentials | undefined;
  if (options.xdsTls) {
    credentials = new ReloadingServerCredentials(options.xdsTls);
    credentials.events.on('reload', (e) => log.info({ certificate: e }, 'xDS TLS certificate reloaded'));
    credentials.events.on('error', (err) =>
      log.warn(
        { err: err.message },
        'xDS TLS files changed but do not check out; the previous certificate keeps serving',
      ),
    );
  }
  const authenticators: Authenticator[] = [];
  if (options.xdsTls?.clientCaFile) authenticators.push(new ClientCertificateAuthenticator(trustDomain));
  // Node tokens need somewhere to keep the signing keys; the keys are created by prepareXdsSecurity.
  if (options.stateDir && options.nodeTokens !== false) {
    authenticators.push(new NodeTokenAuthenticator(new NodeTokenKeys(options.stateDir)));
    authenticators.push(new ServiceAccountAuthenticator(new ServiceAccountKeys(options.stateDir)));
  }
  const k8s = options.identity?.kubernetes;
  if (k8s) authenticators.push(new KubernetesAuthenticator(k8s));
  for (const extra of options.authenticators ?? []) authenticators.push(extra);
  const bound = options.identity?.discovery;
  let discoveryBound: DiscoveryBoundAuthenticator | undefined;
  if (bound) {
    log.warn(
      { meshes: bound.meshes },
      'discovery-bound identity is on: a proxy of these meshes is whoever connects from one of its endpoint addresses; this trusts the network not to spoof source addresses',
    );
    discoveryBound = new DiscoveryBoundAuthenticator({
      meshes: bound.meshes,
      addressesOf,
      onSigV4: (e) =>
        log.info(
          e,
          'App Mesh sidecar stream signed with SigV4 (signature not verifiable; identity from discovery)',
        ),
    });
    authenticators.push(discoveryBound);
  }
  // Over TLS, or when the operator configured methods, every stream must prove who it is. On a plaintext
  // loopback listener (the demo) or with --xds-insecure, a stream without a credential is taken at its word;
  // a credential it does show must still hold.
  const required =
    Boolean(options.xdsTls) ||
    options.identityRequired === true ||
    (options.authenticators?.length ?? 0) > 0 ||
    Boolean(k8s) ||
    Boolean(bound);
  if (options.xdsTls && authenticators.length === 0) {
    throw new Error(
      'xDS over TLS needs a way for proxies to prove who they are: --xds-client-ca (client certificates), ' +
        '--state-dir (node tokens), or identity methods in --config',
    );
  }
  const authorize = createAuthorizer({
    authenticators,
    trustDomain,
    required,
    onRefused: (e) =>
      log.warn(
        { peer: e.caller.peer, node: e.caller.node.id, code: e.code, reason: e.message },
        'xDS stream refused',
      ),
  });
  const admin = new AdminTokens(options.adminTokens ?? []);
  // CSDS hands out every proxy's config: it needs an admin token wherever proxies must prove who they are.
  const authorizeAdmin: AuthorizeAdmin | undefined =
    required || admin.size > 0
      ? (ctx) => {
          const r = admin.check(bearerOf(ctx.metadata));
          return 'refusal' in r ? { code: 'UNAUTHENTICATED', message: `CSDS: ${r.refusal}` } : true;
        }
      : undefined;
  return {
    admin,
    discoveryBound,
    credentials,
    authorize,
    authorizeAdmin,
    required,
    trustDomain,
    close: () => credentials?.close(),
  };
}
