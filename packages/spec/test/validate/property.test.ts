import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KINDS, type SpecResource, validateResources } from '../../src/index.ts';
import { resource, validMesh } from './helpers.ts';

type Path = Array<string | number>;

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => void paths(v, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

type Mutation =
  | { op: 'drop' }
  | { op: 'retype'; value: unknown }
  | { op: 'insert'; key: string; value: unknown }
  | { op: 'number'; value: number }
  | { op: 'enum'; value: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ op: 'drop' as const }),
  fc.record({ op: fc.constant('retype' as const), value: fc.anything() }),
  fc.record({
    op: fc.constant('insert' as const),
    key: fc.oneof(
      fc.string(),
      fc.constantFrom('port', 'dns', 'httpRoute', 'tcp', '__proto__', 'constructor'),
    ),
    value: fc.anything(),
  }),
  fc.record({
    op: fc.constant('number' as const),
    value: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 65536, 101, 1001, Number.NaN)),
  }),
  fc.record({
    op: fc.constant('enum' as const),
    value: fc.oneof(fc.string(), fc.constantFrom('HTTP', 'grpc ', 'ALLOW')),
  }),
);

function mutate(spec: unknown, path: Path, m: Mutation): unknown {
  const root = structuredClone(spec);
  if (path.length === 0)
    return m.op === 'drop' ? undefined : m.op === 'insert' ? { [m.key]: m.value } : m.value;
  let parent = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  switch (m.op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'insert': {
      const target = parent[last];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, {
          value: m.value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else parent[last] = m.value;
      break;
    }
    default:
      parent[last] = m.value;
  }
  return root;
}

function assertWellFormed(diags: ReturnType<typeof validateResources>): void {
  for (const d of diags) {
    expect(typeof d.file).toBe('string');
    expect(d.file.length).toBeGreaterThan(0);
    expect(Number.isInteger(d.line) && d.line >= 1).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1).toBe(true);
    expect(typeof d.path).toBe('string');
    expect(typeof d.message).toBe('string');
    expect(['error', 'warning']).toContain(d.severity);
  }
}

describe('validateResources under mutation', () => {
  it('never throws, and every finding is positioned', () => {
    const base = validMesh();
    fc.assert(
      fc.property(fc.nat(), fc.nat(), mutationArb, fc.boolean(), (ri, pi, m, partial) => {
        const victim = base[ri % base.length] as SpecResource;
        const all = paths(victim.spec);
        const path = all[pi % all.length] as Path;
        const mutated = resource(victim.kind, victim.name, mutate(victim.spec, path, m), {
          mesh: victim.mesh,
          ...(victim.virtualRouter ? { virtualRouter: victim.virtualRouter } : {}),
          ...(victim.virtualGateway ? { virtualGateway: victim.virtualGateway } : {}),
        });
        const input = base.map((r) => (r === victim ? mutated : r));
        const diags = validateResources(input, { partial });
        assertWellFormed(diags);
        // Nothing but the mutated resource and its dependents can have become invalid: every
        // finding on an untouched resource is a consequence, never a crash message.
        expect(diags.some((d) => d.message.startsWith('internal validation error'))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary specs of any kind', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.string(), fc.anything()), { maxLength: 8 }),
        (items) => {
          const input = items.map(([kind, name, spec]) =>
            resource(
              kind,
              name,
              spec,
              kind === 'Route'
                ? { virtualRouter: 'r' }
                : kind === 'GatewayRoute'
                  ? { virtualGateway: 'g' }
                  : {},
            ),
          );
          const diags = validateResources(input);
          assertWellFormed(diags);
          expect(diags.some((d) => d.message.startsWith('internal validation error'))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('detects a retyped or out-of-range leaf of the API shape', () => {
    const base = validMesh();
    const node = base[1] as SpecResource;
    for (const value of ['8080', -1, 70000, 1.5, null, [], {}]) {
      const spec = mutate(node.spec, ['listeners', 0, 'portMapping', 'port'], { op: 'retype', value });
      const diags = validateResources(
        base.map((r) => (r === node ? resource('VirtualNode', 'red', spec) : r)),
      );
      expect(diags.filter((d) => d.severity === 'error').map((d) => d.path)).toContain(
        'spec.listeners[0].portMapping.port',
      );
    }
  });
});

describe('a failing position map', () => {
  it('is reported at the resource, not thrown', () => {
    const r = resource(
      'VirtualNode',
      'n',
      { listeners: [{ portMapping: { port: 0, protocol: 'http' } }] },
      { file: 'n.yaml' },
    );
    r.positionOf = () => {
      throw new Error('no positions');
    };
    const out = validateResources([resource('Mesh', 'm', {}), r]);
    expect(out.map((d) => `${d.file}:${d.line}:${d.col} ${d.path} ${d.message}`)).toContain(
      'n.yaml:1:1  internal validation error: no positions',
    );
  });
});
