import type { HeaderMatch } from '@plexus/graph';
import type { Json } from '../types.ts';

/** App Mesh header/metadata match → Envoy HeaderMatcher. */
export function headerMatcher(h: HeaderMatch): Json {
  const out: Json = { name: h.name };
  const m = h.match;
  if (!m) out.present_match = true;
  else if (m.exact !== undefined) out.string_match = { exact: m.exact };
  else if (m.prefix !== undefined) out.string_match = { prefix: m.prefix };
  else if (m.suffix !== undefined) out.string_match = { suffix: m.suffix };
  else if (m.regex !== undefined) out.string_match = { safe_regex: { regex: m.regex } };
  else if (m.range) out.range_match = { start: String(m.range.start), end: String(m.range.end) };
  else out.present_match = true;
  if (h.invert) out.invert_match = true;
  return out;
}

export function exactHeader(name: string, value: string): Json {
  return { name, string_match: { exact: value } };
}

/** A gateway route's `hostname` match → an `:authority` HeaderMatcher; undefined when neither form is set. */
export function authorityMatcher(hostname: { exact?: string; suffix?: string }): Json | undefined {
  if (hostname.exact !== undefined) return exactHeader(':authority', hostname.exact);
  if (hostname.suffix !== undefined) return { name: ':authority', string_match: { suffix: hostname.suffix } };
  return undefined;
}
