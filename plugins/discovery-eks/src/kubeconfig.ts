import { KubeConfig } from '@kubernetes/client-node';

/** `settings.plugins.eks`: where the Kubernetes API is. All optional. */
export interface EksSettings {
  /** API server URL, e.g. `https://10.0.0.1:443` or a test server `http://127.0.0.1:PORT`. */
  server?: string;
  /** Bearer token for `server`. */
  token?: string;
  /** Skip TLS verification for `server` (tests only). */
  skipTLSVerify?: boolean;
  /** A kubeconfig file (instead of `server`). */
  kubeconfig?: string;
  /** Context of that kubeconfig (default: its current context). */
  context?: string;
}

/** Reads `settings.plugins.eks`, ignoring fields of the wrong type. */
export function eksSettingsOf(raw: Record<string, unknown> | undefined): EksSettings {
  const s: EksSettings = {};
  if (!raw) return s;
  for (const k of ['server', 'token', 'kubeconfig', 'context'] as const) {
    if (typeof raw[k] === 'string') s[k] = raw[k];
  }
  if (typeof raw.skipTLSVerify === 'boolean') s.skipTLSVerify = raw.skipTLSVerify;
  return s;
}

/**
 * A KubeConfig for the settings: an explicit server, else a kubeconfig file, else the client's default
 * lookup ($KUBECONFIG, ~/.kube/config, then the in-cluster service account).
 */
export function kubeConfigFor(s: EksSettings): KubeConfig {
  const kc = new KubeConfig();
  if (s.server) {
    kc.loadFromOptions({
      // The client refuses plain http unless skipTLSVerify is set; there is no TLS to verify then anyway.
      clusters: [
        { name: 'plexus', server: s.server, skipTLSVerify: s.skipTLSVerify ?? s.server.startsWith('http:') },
      ],
      users: [{ name: 'plexus', ...(s.token ? { token: s.token } : {}) }],
      contexts: [{ name: 'plexus', cluster: 'plexus', user: 'plexus' }],
      currentContext: 'plexus',
    });
  } else if (s.kubeconfig) {
    kc.loadFromFile(s.kubeconfig);
    if (s.context) kc.setCurrentContext(s.context);
  } else {
    kc.loadFromDefault();
    if (s.context) kc.setCurrentContext(s.context);
  }
  return kc;
}
