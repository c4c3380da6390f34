import { describe, expect, it } from 'vitest';
import { anyFromJson, envoyRoot, envoyType, ProtoJsonError } from '../src/index.ts';

describe('Envoy protos loaded on first use', () => {
  it('starts with the discovery and resource protos only', () => {
    const files = envoyRoot().files.map((f) => f.slice(f.indexOf('envoy/')));
    expect(files).toContain('envoy/service/discovery/v3/ads.proto');
    expect(files).not.toContain('envoy/extensions/filters/http/lua/v3/lua.proto');
  });

  it('loads an extension’s file when its type is first asked for', () => {
    const lua = envoyType('envoy.extensions.filters.http.lua.v3.Lua');
    expect(lua.fullName).toBe('.envoy.extensions.filters.http.lua.v3.Lua');
    expect(envoyRoot().files.some((f) => f.endsWith('envoy/extensions/filters/http/lua/v3/lua.proto'))).toBe(
      true,
    );
    expect(
      envoyType('envoy.extensions.filters.http.ext_authz.v3.ExtAuthz').fields.http_service,
    ).toBeDefined();
    // a nested type is found through its outermost message's file
    expect(envoyType('.envoy.config.cluster.v3.Cluster.CommonLbConfig').fullName).toBe(
      '.envoy.config.cluster.v3.Cluster.CommonLbConfig',
    );
  });

  it('encodes an Any whose type was never loaded, and names an unknown type by its path', () => {
    const any = anyFromJson({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors',
    });
    expect(any.type_url).toBe('type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors');
    expect(() => anyFromJson({ '@type': 'type.googleapis.com/envoy.no.such.v3.Thing' })).toThrow(
      ProtoJsonError,
    );
    expect(() => anyFromJson({ '@type': 'type.googleapis.com/envoy.no.such.v3.Thing' })).toThrow(
      '$.@type: unknown type "envoy.no.such.v3.Thing"',
    );
  });
});
