import type { DiscoveryTarget } from '@plexus/plugin-api';
import type { EksConfig, LabelSelector } from './config.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** What one watch selects, resolved from the config block and the node's CRD data. */
export type EksSelection =
  | { mode: 'service'; namespace: string; service: string; port?: number | string }
  | { mode: 'pods'; namespace: string; podSelector: LabelSelector; port?: number | string }
  | { mode: 'none'; namespace: string };

export function selectionOf(target: DiscoveryTarget): EksSelection {
  const cfg = (target.config ?? {}) as EksConfig;
  const namespace = cfg.namespace ?? target.k8s?.namespace ?? 'default';
  const port = cfg.port;
  if (cfg.service) return { mode: 'service', namespace, service: cfg.service, port };
  const podSelector = cfg.podSelector ?? (target.k8s?.podSelector as LabelSelector | undefined);
  // App Mesh CRDs: "if absent, it selects no pod".
  if (!podSelector) return { mode: 'none', namespace };
  return { mode: 'pods', namespace, podSelector, port };
}
