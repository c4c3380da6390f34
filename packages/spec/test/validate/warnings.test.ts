import { describe, expect, it } from 'vitest';
import { formatDiagnostic, validateResources } from '../../src/index.ts';
import { resource, validMesh } from './helpers.ts';

describe('foot-gun warnings', () => {
  it('virtual service names without a dot', () => {
    const short = resource(
      'VirtualService',
      'color',
      { provider: { virtualRouter: { virtualRouterName: 'color' } } },
      { file: 's.yaml' },
    );
    const out = validateResources([...validMesh(), short]);
    expect(out.map(formatDiagnostic)).toEqual([
      's.yaml:1:1: VirtualService m/color: metadata.name: warning: virtual service name "color" is not fully qualified (no dot); use a DNS name such as "color.m.local"',
    ]);
    expect(out[0]?.severity).toBe('warning');
  });

  it('routers without routes', () => {
    const lonely = resource(
      'VirtualRouter',
      'lonely',
      { listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
      { file: 'r.yaml' },
    );
    expect(validateResources([...validMesh(), lonely]).map(formatDiagnostic)).toEqual([
      'r.yaml:1:1: VirtualRouter m/lonely: metadata.name: warning: virtual router "lonely" has no routes',
    ]);
  });
});
