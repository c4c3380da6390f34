import type { FieldPath, Severity } from '../../model/resource.ts';
import { isRecord, type KeyAliases } from '../paths.ts';
import type { CrdCluster, CrdKind } from './cluster.ts';

/** Spec fields that exist only in the CRD (membership, naming, embedded routes); they have no API counterpart. */
const CRD_ONLY: Record<string, readonly string[]> = {
  Mesh: ['awsName', 'meshRef', 'namespaceSelector', 'meshOwner'],
  VirtualNode: ['awsName', 'meshRef', 'podSelector', 'backendGroups'],
  VirtualService: ['awsName', 'meshRef'],
  VirtualRouter: ['awsName', 'meshRef', 'routes'],
  Route: ['name'],
  VirtualGateway: ['awsName', 'meshRef', 'podSelector', 'namespaceSelector', 'gatewayRouteSelector'],
  GatewayRoute: ['awsName', 'meshRef', 'virtualGatewayRef'],
};

/** Keys the controller's converter renames (CRD spelling → API spelling). */
const RENAMED: Record<string, string> = {
  certificateARN: 'certificateArn',
  certificateAuthorityARNs: 'certificateAuthorityArns',
};

interface RefField {
  ref: string;
  arn: string;
  kind: CrdKind;
  /** Type segment an ARN must carry (`mesh/<mesh>/<type>/<name>`). */
  arnType: string;
}

const REF_FIELDS: readonly RefField[] = [
  { ref: 'virtualServiceRef', arn: 'virtualServiceARN', kind: 'VirtualService', arnType: 'virtualService' },
  { ref: 'virtualRouterRef', arn: 'virtualRouterARN', kind: 'VirtualRouter', arnType: 'virtualRouter' },
  { ref: 'virtualNodeRef', arn: 'virtualNodeARN', kind: 'VirtualNode', arnType: 'virtualNode' },
];

/** API key → CRD keys, for mapping API field paths back to the CRD source. */
export const CRD_ALIASES: KeyAliases = {
  certificateArn: ['certificateARN'],
  certificateAuthorityArns: ['certificateAuthorityARNs'],
  virtualServiceName: ['virtualServiceRef', 'virtualServiceARN'],
  virtualRouterName: ['virtualRouterRef', 'virtualRouterARN'],
  virtualNodeName: ['virtualNodeRef', 'virtualNodeARN'],
  virtualNode: ['virtualNodeRef', 'virtualNodeARN'],
  serviceDiscovery: ['meshServiceDiscovery'],
};

export interface ConvertContext {
  cluster: CrdCluster;
  namespace: string;
  /** rawPath is relative to the document root. */
  report(rawPath: FieldPath, severity: Severity, message: string): void;
}

/**
 * Converts a CRD spec (or one embedded route) to the API spec shape, as pkg/conversions does:
 * CRD-only fields dropped, renamed keys mapped, *Ref/*ARN references turned into App Mesh names.
 */
export function convertCrdSpec(
  kind: keyof typeof CRD_ONLY,
  spec: Record<string, unknown>,
  at: FieldPath,
  ctx: ConvertContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (CRD_ONLY[kind].includes(key)) continue;
    if (kind === 'Mesh' && key === 'meshServiceDiscovery') {
      out.serviceDiscovery = convertValue(kind, value, [...at, key], ctx);
      continue;
    }
    out[key] = convertValue(kind, value, [...at, key], ctx);
  }
  return out;
}

function convertValue(kind: string, value: unknown, path: FieldPath, ctx: ConvertContext): unknown {
  if (Array.isArray(value)) return value.map((item, i) => convertValue(kind, item, [...path, i], ctx));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const inWeightedTarget = path[path.length - 2] === 'weightedTargets';
  for (const [key, child] of Object.entries(value)) {
    const refField = REF_FIELDS.find((f) => f.ref === key || f.arn === key);
    if (refField) {
      const apiKey =
        refField.kind === 'VirtualNode' && inWeightedTarget ? 'virtualNode' : `${refField.arnType}Name`;
      if (key === refField.arn && refField.ref in value) {
        ctx.report(
          [...path, key],
          'error',
          `exactly one of '${refField.ref}' or '${refField.arn}' must be specified`,
        );
        continue;
      }
      out[apiKey] = convertReference(refField, key, child, [...path, key], ctx);
      continue;
    }
    if (kind === 'VirtualGateway' && key === 'acm' && isVirtualGatewayListenerTrust(path)) {
      ctx.report(
        [...path, key],
        'warning',
        'acm trust is not part of the App Mesh API for virtual gateway listeners (only file or sds): ignored, as the controller does',
      );
      continue;
    }
    out[RENAMED[key] ?? key] = convertValue(kind, child, [...path, key], ctx);
  }
  return out;
}

function isVirtualGatewayListenerTrust(path: FieldPath): boolean {
  const n = path.length;
  return (
    n >= 6 &&
    path[n - 1] === 'trust' &&
    path[n - 2] === 'validation' &&
    path[n - 3] === 'tls' &&
    path[n - 5] === 'listeners'
  );
}

function convertReference(
  field: RefField,
  key: string,
  value: unknown,
  path: FieldPath,
  ctx: ConvertContext,
): unknown {
  if (key === field.ref) {
    if (!isRecord(value) || typeof value.name !== 'string' || value.name === '') {
      ctx.report(path, 'error', `${field.ref}.name is required`);
      return value;
    }
    const namespace = typeof value.namespace === 'string' ? value.namespace : undefined;
    return ctx.cluster.refName(field.kind, { name: value.name, namespace }, ctx.namespace);
  }
  if (typeof value !== 'string') {
    ctx.report(path, 'error', `${field.arn} must be an ARN string`);
    return value;
  }
  const parsed = parseAppMeshArn(value);
  if (!parsed || parsed.type !== field.arnType) {
    ctx.report(
      path,
      'error',
      `${field.arn} must be an App Mesh ARN 'arn:aws:appmesh:<region>:<account>:mesh/<mesh>/${field.arnType}/<name>' (got '${value}')`,
    );
    return value;
  }
  return parsed.name;
}

/** `arn:<partition>:appmesh:<region>:<account>:mesh/<mesh>/<type>/<name>` (pkg/conversions/arns_conversion.go). */
export function parseAppMeshArn(arn: string): { mesh: string; type: string; name: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'appmesh') return undefined;
  const m = /^mesh\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(parts.slice(5).join(':'));
  return m ? { mesh: m[1], type: m[2], name: m[3] } : undefined;
}
