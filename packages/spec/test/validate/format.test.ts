import { describe, expect, it } from 'vitest';
import { formatDiagnostic, formatFieldPath } from '../../src/index.ts';

describe('formatDiagnostic', () => {
  it('prints file:line:col: Kind mesh/name: field.path: message', () => {
    expect(
      formatDiagnostic({
        severity: 'error',
        file: 'mesh/red.yaml',
        line: 12,
        col: 15,
        kind: 'VirtualNode',
        mesh: 'colorapp',
        name: 'red',
        path: 'spec.listeners[0].portMapping.port',
        message: 'must be between 1 and 65535, got 0',
      }),
    ).toBe(
      'mesh/red.yaml:12:15: VirtualNode colorapp/red: spec.listeners[0].portMapping.port: must be between 1 and 65535, got 0',
    );
  });

  it('marks warnings and leaves out what a file-level finding lacks', () => {
    expect(
      formatDiagnostic({ severity: 'warning', file: 'a.yaml', line: 1, col: 1, path: '', message: 'x' }),
    ).toBe('a.yaml:1:1: warning: x');
  });

  it('formats field paths', () => {
    expect(formatFieldPath(['listeners', 0, 'portMapping', 'port'])).toBe(
      'spec.listeners[0].portMapping.port',
    );
    expect(formatFieldPath([])).toBe('spec');
    expect(formatFieldPath(['serviceDiscovery', 'my-plugin'])).toBe('spec.serviceDiscovery["my-plugin"]');
  });
});
