import { describe, expect, test } from 'vitest';
import { createSpecLoader, type FormatReader, loadFiles, type SourceFile } from '../../src/index.ts';

/** A reader for `*.mesh` files holding one mesh name each: enough to see the seam work. */
function meshReader(reads: string[][]): FormatReader {
  return {
    name: 'test',
    claim: (files) => files.filter((f) => f.path.endsWith('.mesh')),
    read(files) {
      reads.push(files.map((f) => f.path));
      return {
        resources: files.map((f) => ({
          kind: 'Mesh' as const,
          mesh: f.content.trim(),
          name: f.content.trim(),
          spec: {},
          format: 'cloudformation' as const,
          position: { file: f.path, line: 1, col: 1 },
          positionOf: () => ({ file: f.path, line: 1, col: 1 }),
        })),
        diagnostics: [],
        skipped: [],
      };
    },
  };
}

const native: SourceFile = {
  path: 'n.yaml',
  content: 'apiVersion: plexus/v1\nkind: Mesh\nmetadata: { name: native }\n',
};

describe('format readers', () => {
  test('claimed files are read by the reader only; the rest by the spec formats', () => {
    const reads: string[][] = [];
    const r = loadFiles([native, { path: 'a.mesh', content: 'iac' }], { readers: [meshReader(reads)] });
    expect(r.resources.map((x) => x.name).sort()).toEqual(['iac', 'native']);
    expect(reads).toEqual([['a.mesh']]);
  });

  test('files only a reader takes are skipped, not parsed as YAML, when no reader claims them', () => {
    const r = loadFiles([{ path: 'main.tf', content: 'resource "x" "y" {}' }]);
    expect(r.diagnostics).toEqual([]);
    expect(r.skipped).toEqual([{ file: 'main.tf', line: 1, reason: 'not a spec file (no reader took it)' }]);
  });

  test('createSpecLoader reuses a reader result while its claimed files are unchanged', () => {
    const reads: string[][] = [];
    const loader = createSpecLoader({ readers: [meshReader(reads)] });
    const first = loader.loadFiles([native, { path: 'a.mesh', content: 'iac' }]);
    const second = loader.loadFiles([
      { ...native, content: `${native.content}# edited\n` },
      { path: 'a.mesh', content: 'iac' },
    ]);
    expect(reads).toHaveLength(1);
    expect(second.resources.find((x) => x.name === 'iac')).toBe(
      first.resources.find((x) => x.name === 'iac'),
    );
    loader.loadFiles([native, { path: 'a.mesh', content: 'changed' }]);
    expect(reads).toHaveLength(2);
  });
});
