/**
 * The colorapp mesh in each of the three input formats (native YAML here, controller CRDs in
 * examples/colorapp-crd, App Mesh CLI JSON in examples/colorapp-cli-json) loads to the same resources and
 * translates to byte-identical Envoy config, which real Envoy accepts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import { loadAndValidate, resourceId } from '@plexus/spec';
import { envoyValidate } from '@plexus/testkit';
import { translateProxy } from '@plexus/translate';
import { describe, expect, it } from 'vitest';

const examples = join(import.meta.dirname, '../..');
const FORMATS = { native: 'colorapp', 'k8s-crd': 'colorapp-crd', 'cli-json': 'colorapp-cli-json' } as const;

function load(example: string) {
  const dir = join(examples, example, 'mesh');
  const files = readdirSync(dir)
    .sort()
    .map((f) => ({ path: `mesh/${f}`, content: readFileSync(join(dir, f), 'utf8') }));
  return loadAndValidate(files);
}

function translateAll(example: string): Record<string, string> {
  const graph = buildGraph(load(example).resources);
  return Object.fromEntries(
    proxyIds(graph).map((id) => [
      id,
      JSON.stringify(translateProxy(graph, parseProxyId(id)!, () => undefined)),
    ]),
  );
}

const native = load(FORMATS.native);
const nativeSpecs = Object.fromEntries(native.resources.map((r) => [resourceId(r), r.spec]));

describe.each(Object.entries(FORMATS))('colorapp as %s', (format, example) => {
  const result = load(example);

  it('loads without diagnostics, every resource in that format', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(new Set(result.resources.map((r) => r.format))).toEqual(new Set([format]));
  });

  it('holds the same resources with the same specs as the native files', () => {
    expect(Object.fromEntries(result.resources.map((r) => [resourceId(r), r.spec]))).toEqual(nativeSpecs);
  });

  it('translates to the same Envoy config as the native files', () => {
    expect(translateAll(example)).toEqual(translateAll(FORMATS.native));
  });
});

it('real Envoy accepts every proxy of colorapp', async () => {
  const graph = buildGraph(native.resources);
  const ids = proxyIds(graph);
  expect(ids.length).toBe(5);
  for (const id of ids) {
    const v = await envoyValidate(translateProxy(graph, parseProxyId(id)!, () => undefined));
    expect(v.ok, `${id}: ${v.output}`).toBe(true);
  }
});
