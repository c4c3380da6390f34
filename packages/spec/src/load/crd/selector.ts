import { isRecord } from '../paths.ts';

export type Labels = Record<string, string>;

/** Kubernetes label selector semantics: matchLabels AND matchExpressions; `{}` selects everything. */
export function selectorMatches(selector: unknown, labels: Labels): boolean {
  if (!isRecord(selector)) return false;
  const matchLabels = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(matchLabels)) {
    if (labels[k] !== String(v)) return false;
  }
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expr of expressions) {
    if (!isRecord(expr) || typeof expr.key !== 'string') return false;
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    const has = expr.key in labels;
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function labelsOf(metadata: unknown): Labels {
  if (!isRecord(metadata) || !isRecord(metadata.labels)) return {};
  const out: Labels = {};
  for (const [k, v] of Object.entries(metadata.labels)) out[k] = String(v);
  return out;
}
