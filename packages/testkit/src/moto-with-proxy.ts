import { type FaultProxy, type MotoServer, startFaultProxy, startMoto } from './moto.ts';
import { motoDiscoverySettings } from './moto-discovery-settings.ts';

/** AWS SDK v3 client options (endpoint, region, credentials) that reach `moto`. */
export function motoClientConfig(moto: Pick<MotoServer, 'endpoint' | 'region' | 'credentials'>) {
  return { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
}

/** A moto server with a fault proxy in front of it: the setup every AWS discovery plugin test shares. */
export interface MotoWithProxy {
  moto: MotoServer;
  proxy: FaultProxy;
  /** Options for the SDK clients that build fixtures: straight at moto, never through the proxy. */
  clientConfig: ReturnType<typeof motoClientConfig>;
  /** Discovery settings pointing the plugin straight at moto (see `motoDiscoverySettings`). */
  settings<T extends object = Record<never, never>>(extra?: T): ReturnType<typeof motoDiscoverySettings<T>>;
  /** Discovery settings pointing the plugin at the fault proxy. */
  proxiedSettings<T extends object = Record<never, never>>(
    extra?: T,
  ): ReturnType<typeof motoDiscoverySettings<T>>;
  /** Stops the proxy, then moto. */
  stop(): Promise<void>;
}

/** Starts moto (see `startMoto`) and a fault proxy in front of it. */
export async function startMotoWithProxy(): Promise<MotoWithProxy> {
  const moto = await startMoto();
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(moto.endpoint);
  } catch (err) {
    await moto.stop();
    throw err;
  }
  return {
    moto,
    proxy,
    clientConfig: motoClientConfig(moto),
    settings: (extra) => motoDiscoverySettings(moto, moto.endpoint, extra),
    proxiedSettings: (extra) => motoDiscoverySettings(moto, proxy.endpoint, extra),
    async stop() {
      await proxy.stop();
      await moto.stop();
    },
  };
}
