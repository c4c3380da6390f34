import { ADS_SOURCE, type Json } from '../types.ts';

/** Endpoints come over ADS (from static specs, Cloud Map or a discovery plugin). */
export function edsCluster(name: string): Json {
  return { name, type: 'EDS', connect_timeout: '1s', eds_cluster_config: { eds_config: ADS_SOURCE } };
}
