import type { Diagnostic, Kind, SpecResource } from '../model/resource.ts';
import { ROUTE_TYPES } from '../schema/route.ts';
import { buildResource } from './build-resource.ts';
import type { ParsedDocument } from './parse.ts';
import { isRecord } from './paths.ts';
import { documentDiagnostic } from './report.ts';
import { tagList } from './tags.ts';

/** Name keys of `aws appmesh create-* --cli-input-json`, most specific first. */
interface CliShape {
  kind: Kind;
  name: string;
  parent?: 'virtualRouterName' | 'virtualGatewayName';
}

const SHAPES: readonly CliShape[] = [
  { kind: 'GatewayRoute', name: 'gatewayRouteName', parent: 'virtualGatewayName' },
  { kind: 'Route', name: 'routeName', parent: 'virtualRouterName' },
  { kind: 'VirtualGateway', name: 'virtualGatewayName' },
  { kind: 'VirtualRouter', name: 'virtualRouterName' },
  { kind: 'VirtualService', name: 'virtualServiceName' },
  { kind: 'VirtualNode', name: 'virtualNodeName' },
];

const NAME_KEYS = new Set(SHAPES.map((s) => s.name));
/** Request parameters the API accepts besides the names and spec; they do not change the spec. */
const OTHER_KEYS = new Set(['spec', 'meshName', 'tags', 'clientToken', 'meshOwner']);

/** True when a document has the shape of App Mesh CLI input (names + spec, or spec alone). */
export function isCliInput(value: Record<string, unknown>): boolean {
  if (!('spec' in value) || 'apiVersion' in value || 'kind' in value) return false;
  return Object.keys(value).every((k) => OTHER_KEYS.has(k) || NAME_KEYS.has(k));
}

/** Reads one App Mesh CLI input document (`{meshName, virtualNodeName, spec}` and the like). */
export function readCliInput(
  doc: ParsedDocument,
  value: Record<string, unknown>,
): { resource?: SpecResource; diagnostics: Diagnostic[] } {
  const shape: CliShape | undefined =
    SHAPES.find((s) => typeof value[s.name] === 'string') ?? (value.meshName ? MESH : undefined);
  if (!shape) {
    return { diagnostics: [documentDiagnostic(doc, [], 'error', specOnlyMessage(value.spec))] };
  }
  const kind = shape.kind;
  const name = String(value[shape.name]);
  const mesh = typeof value.meshName === 'string' && value.meshName !== '' ? value.meshName : undefined;
  const parent = shape.parent ? value[shape.parent] : undefined;
  const diagnostics: Diagnostic[] = [];
  const subject = { kind, mesh, name };
  if (!mesh) {
    diagnostics.push(
      documentDiagnostic(
        doc,
        [],
        'error',
        `App Mesh CLI input for ${kind} '${name}' has no "meshName": add "meshName": "<mesh>" (the walkthrough passed it as --mesh-name)`,
        subject,
      ),
    );
  }
  if (shape.parent && (typeof parent !== 'string' || parent === '')) {
    diagnostics.push(
      documentDiagnostic(doc, [], 'error', `App Mesh CLI input for ${kind} needs "${shape.parent}"`, subject),
    );
  }
  const spec = value.spec ?? {};
  if (!isRecord(spec)) {
    diagnostics.push(documentDiagnostic(doc, ['spec'], 'error', 'spec must be an object', subject));
  }
  if (diagnostics.length > 0 || !mesh) return { diagnostics };
  const resource = buildResource({
    kind,
    mesh,
    name,
    spec,
    format: 'cli-json',
    doc,
    at: [],
    sourcePathOf: (path) => ['spec', ...path],
    ...(shape.parent === 'virtualRouterName' ? { virtualRouter: parent as string } : {}),
    ...(shape.parent === 'virtualGatewayName' ? { virtualGateway: parent as string } : {}),
  });
  const tags = tagList(value.tags);
  if (tags) resource.tags = tags;
  return { resource, diagnostics };
}

const MESH: CliShape = { kind: 'Mesh', name: 'meshName' };

/** Names the keys to add, guessing the kind from the spec's shape to make the advice concrete. */
function specOnlyMessage(spec: unknown): string {
  const guess = guessKind(spec);
  const keys = guess
    ? `${guess.keys.map((k) => `"${k}"`).join(', ')} (this looks like a ${guess.kind} spec)`
    : '"meshName" and the name key of its kind ("virtualNodeName", "virtualServiceName", "virtualRouterName" + "routeName", "virtualGatewayName" + "gatewayRouteName")';
  return (
    `App Mesh CLI input without names: a file holding only "spec" cannot say which resource it is. ` +
    `Add ${keys}, or wrap the spec in the native format ` +
    `(apiVersion: plexus/v1, kind, metadata: {name, mesh}, spec)`
  );
}

function guessKind(spec: unknown): { kind: Kind; keys: string[] } | undefined {
  if (!isRecord(spec)) return undefined;
  const routeKey = ROUTE_TYPES.find((k) => k in spec);
  if (routeKey) {
    const action = (spec[routeKey] as { action?: Record<string, unknown> } | undefined)?.action;
    if (action && 'target' in action) {
      return { kind: 'GatewayRoute', keys: ['meshName', 'virtualGatewayName', 'gatewayRouteName'] };
    }
    return { kind: 'Route', keys: ['meshName', 'virtualRouterName', 'routeName'] };
  }
  if ('provider' in spec) return { kind: 'VirtualService', keys: ['meshName', 'virtualServiceName'] };
  if ('serviceDiscovery' in spec || 'backends' in spec) {
    return { kind: 'VirtualNode', keys: ['meshName', 'virtualNodeName'] };
  }
  if ('egressFilter' in spec) return { kind: 'Mesh', keys: ['meshName'] };
  return undefined;
}
