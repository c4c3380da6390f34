import type { MotoServer } from './moto.ts';

/**
 * Discovery settings (the shape of @plexus/plugin-api's `DiscoverySettings`) that point AWS discovery plugins
 * at `endpoint` (moto itself, or a fault proxy in front of it) with moto's credentials, one attempt per call
 * (so injected faults reach the plugin) and a 100 ms poll. `extra` is merged on top.
 */
export function motoDiscoverySettings<T extends object = Record<never, never>>(
  moto: Pick<MotoServer, 'region' | 'credentials'>,
  endpoint: string,
  extra?: T,
) {
  return {
    aws: { endpoint, region: moto.region, credentials: moto.credentials, maxAttempts: 1 },
    pollIntervalMs: 100,
    ...extra,
  };
}
