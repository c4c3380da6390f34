import type { EnvoyConfig } from '@plexus/translate';
import { stringify } from 'yaml';
import { lineDiff } from './line-diff.ts';

export const RESOURCE_TYPES = ['listeners', 'routes', 'clusters', 'endpoints', 'secrets'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface ResourceChange {
  type: ResourceType;
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** Unified line diff of the resource as YAML (`+`/`-`/` ` prefixes, `@@` between hunks). */
  diff: string;
}

type Json = EnvoyConfig['listeners'][number];

function nameOf(r: Json): string {
  const o = r as { name?: unknown; cluster_name?: unknown };
  return String(o.name ?? o.cluster_name ?? '');
}

function render(r: Json | undefined): string {
  return r === undefined ? '' : stringify(r).trimEnd();
}

/** The resources `after` adds, removes and changes against `before`, by type then name. */
export function diffConfigs(
  before: EnvoyConfig | undefined,
  after: EnvoyConfig | undefined,
): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const type of RESOURCE_TYPES) {
    const a = new Map((before?.[type] ?? []).map((r) => [nameOf(r), r]));
    const b = new Map((after?.[type] ?? []).map((r) => [nameOf(r), r]));
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(name);
      const y = b.get(name);
      const rx = render(x);
      const ry = render(y);
      if (rx === ry) continue;
      const change = x === undefined ? 'added' : y === undefined ? 'removed' : 'changed';
      const diff =
        change === 'changed'
          ? lineDiff(rx, ry)
          : (change === 'added' ? ry : rx)
              .split('\n')
              .map((l) => `${change === 'added' ? '+' : '-'} ${l}`)
              .join('\n');
      out.push({ type, name, change, diff });
    }
  }
  return out;
}
