import { describe, expect, it } from 'vitest';
import { endpointHealth, labelSelectorString, selectionOf, validateEksConfig } from '../src/index.ts';

describe('eks config', () => {
  it('accepts the two modes and names bad fields relative to the block', () => {
    expect(validateEksConfig({ service: 'color', namespace: 'apps', port: 'http' })).toEqual([]);
    expect(validateEksConfig({ podSelector: { matchLabels: { app: 'color' } }, port: 9080 })).toEqual([]);
    expect(validateEksConfig({})).toEqual([]);
    expect(
      validateEksConfig({
        service: 'Color_App',
        port: 0,
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] },
        svc: 'x',
      }),
    ).toEqual([
      { path: 'svc', message: 'unknown field (allowed: service, namespace, port, podSelector)' },
      { path: 'service', message: 'expected a DNS label (lowercase letters, digits and -, at most 63)' },
      { path: 'port', message: 'expected a port 1..65535 or a port name' },
      { path: 'podSelector', message: 'set either service or podSelector, not both' },
      {
        path: 'podSelector.matchExpressions[0].values',
        message: 'a non-empty list of strings is required for In',
      },
    ]);
  });

  it('turns a podSelector into a labelSelector string', () => {
    expect(
      labelSelectorString({
        matchLabels: { app: 'color' },
        matchExpressions: [
          { key: 'version', operator: 'NotIn', values: ['canary', 'old'] },
          { key: 'mesh', operator: 'Exists' },
          { key: 'debug', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=color,version notin (canary,old),mesh,!debug');
  });

  it('prefers the config block, then the CRD namespace and podSelector; absent selector selects nothing', () => {
    const base = { mesh: 'm', virtualNode: 'v', key: 'eks', listenerPorts: [8080] };
    expect(selectionOf({ ...base, config: { service: 's' } })).toEqual({
      mode: 'service',
      namespace: 'default',
      service: 's',
      port: undefined,
    });
    expect(
      selectionOf({
        ...base,
        config: {},
        k8s: { namespace: 'colorapp', podSelector: { matchLabels: { a: 'b' } } },
      }),
    ).toEqual({
      mode: 'pods',
      namespace: 'colorapp',
      podSelector: { matchLabels: { a: 'b' } },
      port: undefined,
    });
    expect(selectionOf({ ...base, config: {}, k8s: { namespace: 'colorapp' } })).toEqual({
      mode: 'none',
      namespace: 'colorapp',
    });
  });
});

describe('EndpointSlice conditions → health', () => {
  it.each([
    [{ ready: true, serving: true, terminating: false }, 'healthy'],
    [{}, 'healthy'],
    [undefined, 'healthy'],
    [{ ready: false, serving: false, terminating: false }, 'unhealthy'],
    [{ ready: false, serving: true, terminating: true }, 'draining'],
    [{ ready: false, serving: false, terminating: true }, 'draining'],
    [{ ready: false, serving: true }, 'healthy'],
  ])('%j → %s', (conditions, health) => {
    expect(endpointHealth(conditions)).toBe(health);
  });
});
