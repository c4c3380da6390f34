import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runMain } from './capture.ts';

const REPO = join(import.meta.dirname, '..', '..', '..');
const GRPC = join(REPO, 'packages/translate/test/golden/grpc-route/in');

describe('plexus config-dump', () => {
  test('prints the five resource lists of a node as JSON', async () => {
    const r = await runMain(['config-dump', '--node', 'mesh/m/virtualNode/client', GRPC]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['listeners', 'routes', 'clusters', 'endpoints', 'secrets']);
    expect(out.listeners.map((l: { name: string }) => l.name)).toContain('lds_egress_0.0.0.0_15001');
    expect(out.clusters.every((c: Record<string, unknown>) => c['@type'])).toBe(true);
  });

  test('accepts the App Mesh ARN and --format yaml', async () => {
    const r = await runMain([
      'config-dump',
      '--node',
      'arn:aws:appmesh:us-west-2:123456789012:mesh/m/virtualNode/greeter',
      '--format',
      'yaml',
      GRPC,
    ]);
    expect(r.code).toBe(0);
    const out = parse(r.stdout);
    expect(out.listeners[0].name).toBe('lds_ingress_0.0.0.0_15000');
  });

  test('unknown node exits 1, bad usage exits 2', async () => {
    const unknown = await runMain(['config-dump', '--node', 'mesh/m/virtualNode/nope', GRPC]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no virtualNode 'nope' in mesh 'm'");
    expect((await runMain(['config-dump', GRPC])).code).toBe(2);
    expect((await runMain(['config-dump', '--node', 'front', GRPC])).code).toBe(2);
  });
});
