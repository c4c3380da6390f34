import type { ConfigIssue } from '@plexus/plugin-api';

/** A Kubernetes label selector (the shape of `podSelector` in App Mesh CRDs). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * `spec.serviceDiscovery.eks` as written in a spec. Two modes:
 * - service: `{ service, namespace?, port? }` selects the EndpointSlices of one Kubernetes Service
 *   (label `kubernetes.io/service-name`);
 * - pods: `{ podSelector?, namespace?, port? }`, or `{}` on a CRD-format virtual node, whose own
 *   `spec.podSelector` and namespace are used. Endpoints are those of the selected pods in any
 *   EndpointSlice of the namespace.
 */
export interface EksConfig {
  service?: string;
  namespace?: string;
  /** Port number, or the name of an EndpointSlice port. Default: the node's first listener port. */
  port?: number | string;
  podSelector?: LabelSelector;
}

const FIELDS = ['service', 'namespace', 'port', 'podSelector'] as const;
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
// RFC 1123 label, as Kubernetes requires for namespaces and service names.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function validateEksConfig(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config === null || config === undefined) return issues;
  if (typeof config !== 'object' || Array.isArray(config)) {
    return [{ path: '', message: 'expected an object' }];
  }
  const c = config as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      issues.push({ path: k, message: `unknown field (allowed: ${FIELDS.join(', ')})` });
    }
  }
  for (const f of ['service', 'namespace'] as const) {
    const v = c[f];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !DNS_LABEL.test(v)) {
      issues.push({ path: f, message: 'expected a DNS label (lowercase letters, digits and -, at most 63)' });
    }
  }
  const port = c.port;
  if (port !== undefined) {
    const okNumber = typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535;
    const okName = typeof port === 'string' && port.length > 0;
    if (!okNumber && !okName)
      issues.push({ path: 'port', message: 'expected a port 1..65535 or a port name' });
  }
  if (c.service !== undefined && c.podSelector !== undefined) {
    issues.push({ path: 'podSelector', message: 'set either service or podSelector, not both' });
  }
  if (c.podSelector !== undefined) validateSelector(c.podSelector, 'podSelector', issues);
  return issues;
}

function validateSelector(sel: unknown, path: string, issues: ConfigIssue[]): void {
  if (typeof sel !== 'object' || sel === null || Array.isArray(sel)) {
    issues.push({ path, message: 'expected an object with matchLabels and/or matchExpressions' });
    return;
  }
  const s = sel as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    if (k !== 'matchLabels' && k !== 'matchExpressions') {
      issues.push({
        path: `${path}.${k}`,
        message: 'unknown field (allowed: matchLabels, matchExpressions)',
      });
    }
  }
  if (s.matchLabels !== undefined) {
    const ml = s.matchLabels;
    if (typeof ml !== 'object' || ml === null || Array.isArray(ml)) {
      issues.push({ path: `${path}.matchLabels`, message: 'expected a map of strings' });
    } else {
      for (const [k, v] of Object.entries(ml)) {
        if (typeof v !== 'string')
          issues.push({ path: `${path}.matchLabels.${k}`, message: 'expected a string' });
      }
    }
  }
  if (s.matchExpressions !== undefined) {
    if (!Array.isArray(s.matchExpressions)) {
      issues.push({ path: `${path}.matchExpressions`, message: 'expected a list' });
      return;
    }
    s.matchExpressions.forEach((e, i) => {
      const p = `${path}.matchExpressions[${i}]`;
      const ex = e as Record<string, unknown> | null;
      if (typeof ex !== 'object' || ex === null) {
        issues.push({ path: p, message: 'expected an object with key, operator, values' });
        return;
      }
      if (typeof ex.key !== 'string' || ex.key === '') issues.push({ path: `${p}.key`, message: 'required' });
      if (typeof ex.operator !== 'string' || !OPERATORS.includes(ex.operator)) {
        issues.push({ path: `${p}.operator`, message: `expected one of ${OPERATORS.join(', ')}` });
      }
      const needsValues = ex.operator === 'In' || ex.operator === 'NotIn';
      const values = ex.values;
      if (
        needsValues &&
        (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string'))
      ) {
        issues.push({
          path: `${p}.values`,
          message: `a non-empty list of strings is required for ${ex.operator}`,
        });
      }
      if (!needsValues && values !== undefined && (!Array.isArray(values) || values.length > 0)) {
        issues.push({ path: `${p}.values`, message: `must be empty for ${String(ex.operator)}` });
      }
    });
  }
}

/** The selector as a `labelSelector` query string; `''` selects everything. */
export function labelSelectorString(sel: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
