import { apiLeafFields } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { type AnySchema, SPEC_SCHEMAS } from '../../src/index.ts';

const SPEC_TYPE_NAMES = {
  Mesh: 'MeshSpec',
  VirtualNode: 'VirtualNodeSpec',
  VirtualService: 'VirtualServiceSpec',
  VirtualRouter: 'VirtualRouterSpec',
  Route: 'RouteSpec',
  VirtualGateway: 'VirtualGatewaySpec',
  GatewayRoute: 'GatewayRouteSpec',
} as const;

/** Plexus additions beyond the App Mesh API (DESIGN.md). */
const PLEXUS_EXTENSIONS = new Set(['VirtualNodeSpec.serviceDiscovery.static']);

function leaves(schema: AnySchema, prefix: string, out: string[]): void {
  if (PLEXUS_EXTENSIONS.has(prefix)) return;
  const s = schema as AnySchema & { shape?: Record<string, AnySchema>; item?: AnySchema };
  if (s.shape) {
    for (const [key, member] of Object.entries(s.shape)) leaves(member, `${prefix}.${key}`, out);
  } else if (s.item) {
    leaves(s.item, `${prefix}[]`, out);
  } else {
    out.push(prefix);
  }
}

describe('schema coverage of the App Mesh API', () => {
  it('has exactly the 262 leaf fields of api-fields.md', () => {
    const expected = apiLeafFields();
    const actual: string[] = [];
    for (const [kind, typeName] of Object.entries(SPEC_TYPE_NAMES)) {
      leaves(SPEC_SCHEMAS[kind as keyof typeof SPEC_TYPE_NAMES], typeName, actual);
    }
    expect(expected).toHaveLength(262);
    expect(actual.sort()).toEqual(expected.sort());
  });
});
