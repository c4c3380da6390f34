/**
 * Envoy's response flags as the access log service reports them (booleans of
 * envoy.data.accesslog.v3.ResponseFlags) → the short codes Envoy prints in `%RESPONSE_FLAGS%` (UH, UF, ...).
 */
export const RESPONSE_FLAG_CODES: Readonly<Record<string, string>> = {
  failed_local_healthcheck: 'LH',
  no_healthy_upstream: 'UH',
  upstream_request_timeout: 'UT',
  local_reset: 'LR',
  upstream_remote_reset: 'UR',
  upstream_connection_failure: 'UF',
  upstream_connection_termination: 'UC',
  upstream_overflow: 'UO',
  no_route_found: 'NR',
  delay_injected: 'DI',
  fault_injected: 'FI',
  rate_limited: 'RL',
  unauthorized_details: 'UAEX',
  rate_limit_service_error: 'RLSE',
  downstream_connection_termination: 'DC',
  upstream_retry_limit_exceeded: 'URX',
  stream_idle_timeout: 'SI',
  invalid_envoy_request_headers: 'IH',
  downstream_protocol_error: 'DPE',
  upstream_max_stream_duration_reached: 'UMSDR',
  response_from_cache_filter: 'RFCF',
  no_filter_config_found: 'NFCF',
  duration_timeout: 'DT',
  upstream_protocol_error: 'UPE',
  no_cluster_found: 'NC',
  overload_manager: 'OM',
  dns_resolution_failure: 'DF',
  downstream_remote_reset: 'DRR',
};

/** The short codes of every flag set on a decoded ResponseFlags message (empty when none). */
export function responseFlagCodes(flags: Record<string, unknown> | null | undefined): string[] {
  if (!flags) return [];
  const out: string[] = [];
  for (const [field, code] of Object.entries(RESPONSE_FLAG_CODES)) {
    const v = flags[field];
    if (v === true || (field === 'unauthorized_details' && v && typeof v === 'object')) out.push(code);
  }
  return out;
}
