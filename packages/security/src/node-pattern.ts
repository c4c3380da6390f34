// Proxy-key patterns for bindings: `mesh/<mesh>/<virtualNode|virtualGateway>/<name>` where any segment may
// use `*` (any run of characters within the segment). `mesh/colorapp/virtualNode/*` is every virtual node of
// colorapp; `mesh/*/*/*` is every proxy.
const KINDS = new Set(['virtualNode', 'virtualGateway', '*']);

/** Why a pattern is not one, or undefined when it is. */
export function patternError(pattern: string): string | undefined {
  const parts = pattern.split('/');
  if (parts.length !== 4 || parts[0] !== 'mesh' || parts.some((p) => p === '')) {
    return `expected mesh/<mesh>/virtualNode/<name> or mesh/<mesh>/virtualGateway/<name> (with * wildcards), got '${pattern}'`;
  }
  if (!KINDS.has(parts[2])) return `'${parts[2]}' is not virtualNode, virtualGateway or *`;
  return undefined;
}

function segmentMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegex).join('[^/]*')}$`);
  return re.test(value);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when the proxy key matches the pattern, segment by segment. */
export function matchesNode(pattern: string, proxyKey: string): boolean {
  const p = pattern.split('/');
  const k = proxyKey.split('/');
  return p.length === k.length && p.every((seg, i) => segmentMatches(seg, k[i]));
}

/**
 * Patterns with `{name}` placeholders filled from a captured name (for example the service account or role
 * name), so one binding can say "each service account is the virtual node of the same name".
 */
export function fillPattern(pattern: string, vars: Record<string, string>): string {
  return pattern.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k].replace(/[/*]/g, '_') : m));
}
