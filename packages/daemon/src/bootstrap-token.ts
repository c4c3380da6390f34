/**
 * How a proxy's bearer token rides on `xds_cluster`, so every stream Envoy opens there (ADS and its egress
 * access logs) proves who the proxy is. The cluster's upstream HTTP filters attach
 * `authorization: Bearer <token>` to each gRPC stream:
 * - a token file: a Lua filter reads the file at every stream start (and drops the whitespace around the
 *   token, such as a trailing newline), so a refreshed token needs no restart and the bootstrap stays one
 *   document;
 * - an embedded token: the credential injector with the token as a static generic secret, which Envoy
 *   redacts in /config_dump (initial_metadata would not be).
 */

/** The static secret holding an embedded token (`static_resources.secrets`). */
export const EMBEDDED_TOKEN_SECRET = 'plexus_xds_token';

export interface TokenSource {
  tokenFile?: string;
  token?: string;
}

const UPSTREAM_CODEC = {
  name: 'envoy.filters.http.upstream_codec',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec',
  },
};

/**
 * A Lua string literal for `s`: JSON's escapes (`\"`, `\\`) are Lua's too once control characters and lone
 * surrogates (JSON's `\uXXXX`, which Lua does not read) are ruled out.
 */
function luaString(s: string): string {
  if (/[\u0000-\u001f\u007f]|\p{Cs}/u.test(s)) {
    throw new Error(`token file path ${JSON.stringify(s)} has a control character or a lone surrogate`);
  }
  return JSON.stringify(s);
}

/** The Lua source that sets the header from the file; a missing file sends no credential (the daemon refuses). */
export function tokenFileLua(tokenFile: string): string {
  return [
    `local TOKEN_FILE = ${luaString(tokenFile)}`,
    'function envoy_on_request(handle)',
    '  local f = io.open(TOKEN_FILE, "r")',
    '  if f == nil then',
    '    handle:logWarn("plexus: cannot read the token file " .. TOKEN_FILE .. "; the stream goes without a credential")',
    '    return',
    '  end',
    '  local token = f:read("*a"):gsub("^%s+", ""):gsub("%s+$", "")',
    '  f:close()',
    '  handle:headers():replace("authorization", "Bearer " .. token)',
    'end',
  ].join('\n');
}

function tokenFileFilter(tokenFile: string) {
  return {
    name: 'envoy.filters.http.lua',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
      default_source_code: { inline_string: tokenFileLua(tokenFile) },
    },
  };
}

function embeddedTokenFilter() {
  return {
    name: 'envoy.filters.http.credential_injector',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.credential_injector.v3.CredentialInjector',
      overwrite: true,
      credential: {
        name: 'envoy.http.injected_credentials.generic',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.http.injected_credentials.generic.v3.Generic',
          credential: { name: EMBEDDED_TOKEN_SECRET },
          header: 'authorization',
          header_value_prefix: 'Bearer ',
        },
      },
    },
  };
}

/** `xds_cluster`'s upstream HTTP filters (ending in the codec, as Envoy requires), or none without a token. */
export function xdsClusterTokenFilters(o: TokenSource): Record<string, unknown>[] | undefined {
  if (o.tokenFile) return [tokenFileFilter(o.tokenFile), UPSTREAM_CODEC];
  if (o.token) return [embeddedTokenFilter(), UPSTREAM_CODEC];
  return undefined;
}

/** The bootstrap's static secrets: the embedded token, when there is one. */
export function tokenSecrets(o: TokenSource): Record<string, unknown>[] | undefined {
  if (!o.token) return undefined;
  return [{ name: EMBEDDED_TOKEN_SECRET, generic_secret: { secret: { inline_string: o.token } } }];
}
