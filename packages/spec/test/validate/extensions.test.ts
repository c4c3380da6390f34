import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadAndValidate } from '../../src/index.ts';

const node = (name: string) => `---
apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: ${name}, mesh: m }
spec:
  listeners: [{ portMapping: { port: 4317, protocol: grpc } }]
  serviceDiscovery: { static: { endpoints: [{ address: 10.0.0.1 }] } }
`;

function load(meshExtensions: string, extra = '') {
  const content = `apiVersion: plexus/v1
kind: Mesh
metadata: { name: m }
spec: {}
extensions:
${meshExtensions}${extra}`;
  return loadAndValidate([{ path: 'mesh.yaml', content }]);
}

describe('Mesh extensions: tracing', () => {
  it('a valid tracing block loads and is kept on the resource', () => {
    const r = load(
      `  tracing:
    provider: openTelemetry
    samplingPercentage: 12.5
    collector: { virtualNode: otel }
`,
      node('otel'),
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const mesh = r.resources.find((x) => x.kind === 'Mesh');
    expect(mesh?.extensions).toEqual({
      tracing: { provider: 'openTelemetry', samplingPercentage: 12.5, collector: { virtualNode: 'otel' } },
    });
  });

  it('every error names file:line, the extensions field path and what is wrong', () => {
    const r = load(`  tracing:
    provider: jaeger
    samplingPercentage: 150
    collector: { virtualNode: otel, address: 10.0.0.9 }
    zipkinEndpont: /x
`);
    expect(r.diagnostics.map(formatDiagnostic).sort()).toEqual([
      'mesh.yaml:10:5: Mesh m/m: extensions.tracing.zipkinEndpont: unknown field "zipkinEndpont"; did you mean "zipkinEndpoint"?',
      'mesh.yaml:7:5: Mesh m/m: extensions.tracing.provider: must be one of openTelemetry, zipkin, xray, datadog, got string "jaeger"',
      'mesh.yaml:8:5: Mesh m/m: extensions.tracing.samplingPercentage: must be between 0 and 100, got 150',
      'mesh.yaml:9:37: Mesh m/m: extensions.tracing.collector.address: exactly one of virtualNode, address must be set, got virtualNode, address',
    ]);
  });

  it('a collector node that is not in the mesh is a reference error', () => {
    const r = load(`  tracing:
    provider: zipkin
    collector: { virtualNode: nowhere }
`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'mesh.yaml:8:18: Mesh m/m: extensions.tracing.collector.virtualNode: virtual node "nowhere" is not defined in mesh "m"',
    ]);
  });

  it('X-Ray needs an IP literal', () => {
    const r = load(`  tracing:
    provider: xray
    collector: { address: xray.local }
`);
    expect(r.diagnostics.map((d) => `${d.line}: ${d.path}: ${d.message}`)).toEqual([
      "8: extensions.tracing.collector.address: Envoy's X-Ray tracer sends UDP to an IP address: give an IP literal (or a virtual node)",
    ]);
  });

  it('extensions on any other kind are refused where they are written', () => {
    const r = loadAndValidate([
      {
        path: 'n.yaml',
        content: `apiVersion: plexus/v1
kind: VirtualNode
metadata: { name: a, mesh: m }
spec: {}
extensions: { tracing: {} }
`,
      },
    ]);
    expect(r.diagnostics.map(formatDiagnostic)).toContain(
      'n.yaml:5:1: VirtualNode m/a: extensions: extensions are a Plexus addition to the Mesh kind only (tracing); a VirtualNode has none',
    );
  });
});
