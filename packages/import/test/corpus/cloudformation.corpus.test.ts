/**
 * The App Mesh corpus's CloudFormation templates (aws-app-mesh-examples): each loads, or is refused with
 * errors that name exactly the inputs it needs; given those inputs it loads and validates with the count of
 * App Mesh resources its text declares. Where a walkthrough also has CLI JSON or CRDs for the same mesh,
 * both give the same resources.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Diagnostic,
  formatDiagnostic,
  type LoadAndValidateResult,
  loadAndValidate,
  resourceId,
  type SourceFile,
} from '@plexus/spec';
import { corpusDir } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { createImportReaders } from '../../src/index.ts';

interface Entry {
  file: string;
  src: string;
  format: string;
}
const CORPUS: Entry[] = JSON.parse(readFileSync(join(corpusDir, 'index.json'), 'utf8'));
const TEMPLATES = CORPUS.filter((e) => e.format === 'cloudformation');
const read = (file: string): SourceFile => ({
  path: file,
  content: readFileSync(join(corpusDir, file), 'utf8'),
});

/** What an error asks for: `parameter:X`, `export:X`, `resource:X.Attr`; undefined when it asks for nothing. */
function inputNamed(d: Diagnostic): string | undefined {
  let m = /parameter '([^']+)' .*has no value/.exec(d.message);
  if (m) return `parameter:${m[1]}`;
  m = /Fn::ImportValue '([^']+)': no stack in the input exports it/.exec(d.message);
  if (m) return `export:${m[1]}`;
  m = /resources\.([A-Za-z0-9]+)\.([A-Za-z0-9]+)$/.exec(d.message);
  if (m) return `resource:${m[1]}.${m[2]}`;
  return undefined;
}

/** Values a user would give: numbers for Number parameters, protocols and ARNs where the name says so. */
function valuesFor(inputs: string[], template: string): SourceFile[] {
  const params: string[] = [];
  const exports: string[] = [];
  const resources: string[] = [];
  for (const i of inputs) {
    const [kind, name] = [i.slice(0, i.indexOf(':')), i.slice(i.indexOf(':') + 1)];
    const type = new RegExp(`\\n  ${name}:\\s*\\n(?:\\s{4,}.*\\n)*?\\s{4,}Type:\\s*(\\S+)`).exec(
      template,
    )?.[1];
    const value =
      type === 'Number' || /Port$/.test(name)
        ? '8080'
        : /protocol/i.test(name)
          ? 'http'
          : /arn/i.test(name)
            ? 'arn:aws:acm:us-west-2:111122223333:certificate/corpus'
            : name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    if (kind === 'parameter') params.push(`  ${name}: "${value}"`);
    else if (kind === 'export')
      exports.push(
        `  "${name}": "${/cert|ca$/i.test(name) ? 'arn:aws:acm:us-west-2:111122223333:certificate/corpus' : /lb$/i.test(name) ? 'lb.example.com' : name.split(':').pop()!.toLowerCase()}"`,
      );
    else {
      const [id, attr] = name.split('.');
      const arn = /arn/i.test(attr) || /cert|authority|ca$/i.test(id);
      resources.push(
        `  ${id}:\n    ${attr}: "${arn ? 'arn:aws:acm:us-west-2:111122223333:certificate/corpus' : `${id.toLowerCase()}.example.com`}"`,
      );
    }
  }
  const text = [
    'region: us-west-2',
    'accountId: "111122223333"',
    params.length ? `parameters:\n${params.join('\n')}` : '',
    exports.length ? `exports:\n${exports.join('\n')}` : '',
    resources.length ? `resources:\n${resources.join('\n')}` : '',
  ].join('\n');
  return [{ path: 'plexus-values.yaml', content: `${text}\n` }];
}

const readers = await createImportReaders();
const load = (files: SourceFile[]): LoadAndValidateResult =>
  loadAndValidate(files, { partial: true, readers });

/** AWS::AppMesh::* resources the text declares, minus those behind a condition (counted apart). */
function declared(text: string): { all: number; conditional: number } {
  const all = (text.match(/Type:\s*["']?AWS::AppMesh::/g) ?? []).length;
  const conditional = (
    text.match(
      /Condition:\s*\S+\s*\n\s*Type:\s*["']?AWS::AppMesh::|Type:\s*["']?AWS::AppMesh::\S+["']?\s*\n\s*Condition:/g,
    ) ?? []
  ).length;
  return { all, conditional };
}

it('the corpus holds the CloudFormation templates the issue counts on', () => {
  expect(TEMPLATES.length).toBe(32);
});

describe.each(TEMPLATES.map((e) => [e.file, e] as const))('%s', (_f, entry) => {
  const file = read(entry.file);
  const bare = load([file]);
  const errors = bare.diagnostics.filter((d) => d.severity === 'error');
  const needed = [...new Set(errors.map(inputNamed).filter((x): x is string => x !== undefined))].sort();

  it('loads, or every error names an input to supply', () => {
    for (const e of errors) expect(inputNamed(e), formatDiagnostic(e)).toBeDefined();
    for (const e of errors) expect(e.file).toBe(entry.file);
    if (errors.length === 0) expect(bare.ok).toBe(true);
  });

  it('given exactly those inputs, loads every App Mesh resource and validates', () => {
    // An input whose name depends on another (an export named after a parameter: `${ProjectName}:Mesh`) is
    // named once that one is given: at most one more round.
    let inputs = needed;
    let withInputs = load([file, ...valuesFor(inputs, file.content)]);
    const more = withInputs.diagnostics
      .filter((d) => d.severity === 'error')
      .map(inputNamed)
      .filter((x): x is string => x !== undefined);
    if (more.length > 0) {
      inputs = [...new Set([...inputs, ...more])].sort();
      withInputs = load([file, ...valuesFor(inputs, file.content)]);
    }
    const left = withInputs.diagnostics.filter((d) => d.severity === 'error');
    expect(left.map(formatDiagnostic)).toEqual([]);
    const { all, conditional } = declared(file.content);
    expect(withInputs.resources.length).toBeGreaterThanOrEqual(all - conditional);
    expect(withInputs.resources.length).toBeLessThanOrEqual(all);
  });
});

describe('templates of one walkthrough load together', () => {
  it('howto-alb: app.yaml imports the mesh name infra.yaml exports', () => {
    const files = [read('walkthroughs__howto-alb__infra.yaml'), read('walkthroughs__howto-alb__app.yaml')];
    const r = load(files);
    const needed = [...new Set(r.diagnostics.filter((d) => d.severity === 'error').map(inputNamed))].sort();
    // The mesh name comes across stacks; what is left is the project name and a Route 53 record's name.
    // The mesh name comes across stacks; what is left is the project name and what AWS assigns at deploy
    // time (a Route 53 record's name, the load balancers' DNS names).
    expect(needed).toEqual([
      'parameter:ProjectName',
      'resource:BackendRecordSet.Ref',
      'resource:BackendV1LoadBalancer.DNSName',
      'resource:PublicLoadBalancer.DNSName',
    ]);
    const values = [
      'parameters: { ProjectName: alb }',
      'resources:',
      '  BackendRecordSet: { Ref: backend.alb.local }',
      '  BackendV1LoadBalancer: { DNSName: internal-backend-1.us-west-2.elb.amazonaws.com }',
      '  PublicLoadBalancer: { DNSName: public-1.us-west-2.elb.amazonaws.com }',
    ].join('\n');
    const given = load([...files, { path: 'plexus-values.yaml', content: `${values}\n` }]);
    expect(given.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(new Set(given.resources.map((x) => x.mesh))).toEqual(new Set(['alb']));
  });
});

describe('a walkthrough with CloudFormation and CLI JSON or CRDs for the same mesh gives the same resources', () => {
  it('howto-grpc: route-all-methods.json updates the template route: same route, target and service', () => {
    const cfn = load([
      read('walkthroughs__howto-grpc__mesh.yaml'),
      { path: 'p.parameters', content: '' },
      { path: 'plexus-values.yaml', content: 'parameters: { ProjectName: howto-grpc }\n' },
    ]);
    const route = cfn.resources.find((r) => r.kind === 'Route')!;
    const json = JSON.parse(read('walkthroughs__howto-grpc__mesh__route-all-methods.json').content);
    const cli = load([{ path: 'route.json', content: JSON.stringify({ meshName: route.mesh, ...json }) }]);
    const updated = cli.resources[0];
    expect(resourceId(updated)).toBe(resourceId(route));
    const spec = (r: typeof route) =>
      r.spec as { grpcRoute: { action: unknown; match: { serviceName: string; methodName?: string } } };
    expect(spec(updated).grpcRoute.action).toEqual(spec(route).grpcRoute.action);
    expect(spec(updated).grpcRoute.match.serviceName).toBe(spec(route).grpcRoute.match.serviceName);
    // The update is the walkthrough's point: all methods instead of GetColor.
    expect(spec(route).grpcRoute.match.methodName).toBe('GetColor');
    expect(spec(updated).grpcRoute.match.methodName).toBeUndefined();
  });

  it('howto-http-retries: blue-route.json is the template route color-route-blue with a retry policy', () => {
    const cfn = load([
      read('walkthroughs__howto-http-retries__app.yaml'),
      { path: 'plexus-values.yaml', content: 'parameters: { ProjectName: retries }\n' },
    ]);
    const route = cfn.resources.find((r) => r.kind === 'Route' && r.name === 'color-route-blue')!;
    const json = JSON.parse(read('walkthroughs__howto-http-retries__blue-route.json').content);
    const updated = load([{ path: 'route.json', content: JSON.stringify({ meshName: route.mesh, ...json }) }])
      .resources[0];
    expect(resourceId(updated)).toBe(resourceId(route));
    type Http = {
      httpRoute: { action: { weightedTargets: Array<{ virtualNode: string }> }; retryPolicy?: unknown };
    };
    const targets = (r: typeof route) =>
      (r.spec as Http).httpRoute.action.weightedTargets.map((t) => t.virtualNode);
    expect(targets(updated)).toEqual(targets(route));
    expect((updated.spec as Http).httpRoute.retryPolicy).toBeDefined();
  });

  it.each([1, 2, 3, 4, 5])(
    'metrics-extension djapp-v%i: ECS CloudFormation and Kubernetes CRDs describe the same mesh',
    (v) => {
      const cfn = load([
        read(`walkthroughs__howto-metrics-extension-ecs__deploy__djapp-v${v}.yaml`),
        { path: 'plexus-values.yaml', content: 'parameters: { ProjectName: djapp }\n' },
      ]);
      expect(cfn.ok).toBe(true);
      const crd = load(
        [read(`walkthroughs__howto-k8s-metrics-extension__deploy__djapp-v${v}.yaml.template`).content].map(
          (content) => ({ path: `djapp-v${v}.yaml`, content }),
        ),
      );
      // CRD objects are named after Kubernetes objects (awsName defaults add the namespace); compare by that name.
      const base = (name: string) =>
        name
          .replace(/_namespace-name$/, '')
          .replace(/\.namespace-name\.svc\.cluster\.local$/, '')
          .replace(/\.djapp\.local$/, '');
      const shape = (rs: LoadAndValidateResult['resources']) =>
        rs
          .filter(
            (r) =>
              r.kind !== 'Mesh' &&
              r.kind !== 'VirtualGateway' &&
              r.kind !== 'GatewayRoute' &&
              r.kind !== 'VirtualService',
          )
          .map((r) => {
            const s = r.spec as {
              listeners?: Array<{ portMapping: unknown }>;
              backends?: Array<{ virtualService: { virtualServiceName: string } }>;
              httpRoute?: {
                match: unknown;
                action: { weightedTargets: Array<{ virtualNode: string; weight: number }> };
              };
            };
            return {
              kind: r.kind,
              name: r.kind === 'Route' ? `${base(r.virtualRouter!)}` : base(r.name),
              ports: s.listeners?.map((l) => l.portMapping),
              backends: s.backends?.map((b) => base(b.virtualService.virtualServiceName)).sort(),
              targets: s.httpRoute?.action.weightedTargets.map((t) => [base(t.virtualNode), t.weight]),
            };
          })
          .sort((a, b) => (`${a.kind}/${a.name}` < `${b.kind}/${b.name}` ? -1 : 1));
      expect(shape(cfn.resources)).toEqual(shape(crd.resources));
    },
  );
});
