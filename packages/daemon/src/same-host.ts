import type { ProxyConfig } from './stages.ts';

/**
 * For running several sidecars on one host without iptables (the demo and end-to-end tests): App Mesh's
 * listeners pick a filter chain by the original destination port, which only iptables' redirect preserves. Here
 * apps connect to each sidecar's own ports directly, so the port match is dropped (each listener in these
 * setups has one chain per kind of traffic, so the remaining matches stay distinct).
 */
export function sameHostConfig(_proxyKey: string, config: ProxyConfig): ProxyConfig {
  return {
    ...config,
    listeners: config.listeners.map((l) => {
      const listener = l as { filter_chains?: Array<{ filter_chain_match?: Record<string, unknown> }> };
      if (!listener.filter_chains) return l;
      return {
        ...listener,
        filter_chains: listener.filter_chains.map((fc) => {
          if (!fc.filter_chain_match || !('destination_port' in fc.filter_chain_match)) return fc;
          const { destination_port: _dropped, ...match } = fc.filter_chain_match;
          return { ...fc, filter_chain_match: match };
        }),
      };
    }),
  };
}
