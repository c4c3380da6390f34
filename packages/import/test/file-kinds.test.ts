/**
 * The import reader judges each file's kinds once per content: across successive claims of one tree, a file
 * edited into (or out of) a CloudFormation template is judged again, the others are not.
 */
import { createSpecLoader, type SourceFile } from '@plexus/spec';
import { describe, expect, it } from 'vitest';
import { createImportReader } from '../src/index.ts';

const template = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Mesh:
    Type: AWS::AppMesh::Mesh
    Properties:
      MeshName: shop
`;
const native = (name: string) => `apiVersion: plexus/v1
kind: Mesh
name: ${name}
spec: {}
`;
const tree = (n: number): SourceFile[] =>
  Array.from({ length: n }, (_, i) => ({ path: `m${i}.yaml`, content: native(`m${i}`) }));

describe('import reader: file kinds memo', () => {
  it('judges only the files whose content changed since the previous claim', () => {
    const reader = createImportReader();
    const files = tree(50);
    expect(reader.claim(files)).toEqual([]);
    expect(reader.judged).toBe(50);
    // new objects, same paths and contents (what a git source hands over at every commit)
    expect(reader.claim(files.map((f) => ({ ...f })))).toEqual([]);
    expect(reader.judged).toBe(0);
    const edited = files.map((f) => (f.path === 'm7.yaml' ? { path: f.path, content: template } : f));
    expect(reader.claim(edited).map((f) => f.path)).toEqual(['m7.yaml']);
    expect(reader.judged).toBe(1);
    // and back: the memo must not keep calling it a template
    expect(reader.claim(files)).toEqual([]);
    expect(reader.judged).toBe(1);
  });

  it('a loader over successive revisions gives what a fresh load gives', () => {
    const loader = createSpecLoader({ readers: [createImportReader()] });
    const files = tree(5);
    const revisions = [
      files,
      files.map((f) => (f.path === 'm2.yaml' ? { path: f.path, content: template } : f)),
      files,
    ];
    for (const rev of revisions) {
      const fresh = createSpecLoader({ readers: [createImportReader()] }).loadAndValidate(rev);
      const incremental = loader.loadAndValidate(rev);
      const ids = (r: typeof fresh) => r.resources.map((x) => `${x.kind}/${x.name}`).sort();
      expect(ids(incremental)).toEqual(ids(fresh));
      expect(incremental.diagnostics).toEqual(fresh.diagnostics);
    }
  });
});
