import { expect, test } from 'vitest';
import { parseFile } from '../../src/load/parse.ts';

test('document starts skip comments, blank lines, directives and empty documents', () => {
  const content = `%YAML 1.2
# leading comment
---

# comment in the first document
a: 1
--- # marker with a comment
---
b: 2
...
---
- c
--- {d: 4}
`;
  const { documents, diagnostics } = parseFile({ path: 'x.yaml', content });
  expect(diagnostics).toEqual([]);
  expect(documents.map((d) => [d.value, d.start.line, d.start.col])).toEqual([
    [{ a: 1 }, 6, 1],
    [{ b: 2 }, 9, 1],
    [['c'], 12, 1],
    [{ d: 4 }, 13, 5],
  ]);
  expect(documents[1].positionAt(['b'])).toEqual({ file: 'x.yaml', line: 9, col: 1 });
  expect(documents[3].positionAt(['d'])).toEqual({ file: 'x.yaml', line: 13, col: 6 });
});

test('custom tags (CloudFormation !Ref) take the exact parser and still load', () => {
  const content =
    'Resources:\n  M:\n    Type: AWS::AppMesh::Mesh\n    Properties:\n      MeshName: !Ref Name\n';
  const { documents, diagnostics } = parseFile({ path: 'cfn.yaml', content });
  expect(diagnostics).toEqual([]);
  expect(documents[0].value).toEqual({
    Resources: { M: { Type: 'AWS::AppMesh::Mesh', Properties: { MeshName: 'Name' } } },
  });
  expect(documents[0].positionAt(['Resources', 'M', 'Properties', 'MeshName'])).toMatchObject({
    line: 5,
    col: 7,
  });
});

test('duplicate keys are a syntax error at the second key', () => {
  const { documents, diagnostics } = parseFile({ path: 'd.yaml', content: 'a: 1\nb: 2\na: 3\n' });
  expect(documents).toEqual([]);
  expect(diagnostics).toMatchObject([{ severity: 'error', line: 3, col: 1 }]);
});

test('a file named .json holding YAML is read as YAML', () => {
  const { documents } = parseFile({ path: 'odd.json', content: 'meshName: m\nspec: {}\n' });
  expect(documents[0].value).toEqual({ meshName: 'm', spec: {} });
  expect(documents[0].positionAt(['spec'])).toMatchObject({ line: 2, col: 1 });
});
