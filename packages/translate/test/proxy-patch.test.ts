import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph } from '@plexus/graph';
import { loadAndValidate } from '@plexus/spec';
import { translateProxy } from '@plexus/translate';
import { anyFromJson } from '@plexus/xds';
import { describe, expect, it } from 'vitest';
import { goldenRoot } from './helpers/cases.ts';

const mesh = readFileSync(join(goldenRoot, 'policy-proxy-patch/in/mesh.yaml'), 'utf8');
const front = { kind: 'virtualNode' as const, mesh: 'demo', name: 'front' };
const checkResource = (r: Record<string, unknown>) => {
  try {
    anyFromJson(r);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
};

function translateWith(patches: string) {
  const loaded = loadAndValidate([
    { path: 'mesh.yaml', content: mesh },
    {
      path: 'patch.yaml',
      content: `apiVersion: plexus/v1
kind: ProxyPatch
metadata: { name: p, mesh: demo }
spec:
  targetRef: { kind: VirtualNode, name: front }
  patches:
${patches}`,
    },
  ]);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return () => translateProxy(buildGraph(loaded.resources), front, () => undefined, { checkResource });
}

describe('ProxyPatch', () => {
  it('a patch Envoy would refuse is refused with the patch file:line, before anything is pushed', () => {
    const run = translateWith(`    - type: cluster
      name: cds_egress_demo_red_http_9080
      merge: { connect_timeout_typo: 1s }
`);
    expect(run).toThrow(
      /^patch\.yaml:7:7: ProxyPatch demo\/p: spec\.patches\[0\]: the patched cluster is not valid Envoy config: .*connect_timeout_typo/,
    );
  });

  it('a name the proxy does not have, and a failed test op, are refused with their positions', () => {
    expect(translateWith('    - { type: route, name: nope, merge: {} }\n')).toThrow(
      /patch\.yaml:7:\d+: ProxyPatch demo\/p: spec\.patches\[0\]\.name: this proxy has no route named "nope"/,
    );
    expect(
      translateWith(`    - type: cluster
      name: cds_egress_demo_red_http_9080
      jsonPatch: [{ op: test, path: /type, value: STATIC }]
`),
    ).toThrow(/spec\.patches\[0\]\.jsonPatch\[0\]: test failed: \/type is not "STATIC"/);
  });

  it('a valid patch shows in the config', () => {
    const cfg = translateWith(`    - type: cluster
      name: cds_egress_demo_red_http_9080
      jsonPatch: [{ op: replace, path: /connect_timeout, value: 0.5s }]
`)();
    expect(cfg.clusters.find((c) => c.name === 'cds_egress_demo_red_http_9080')?.connect_timeout).toBe(
      '0.5s',
    );
  });
});
