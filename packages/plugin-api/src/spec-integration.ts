import { type FieldPath, registerServiceDiscoveryKey, serviceDiscoveryKeys } from '@plexus/spec';
import type { ConfigIssue, DiscoveryPlugin } from './plugin.ts';

/** `endpoints[0].address` → `['endpoints', 0, 'address']`; `''` → `[]`. */
export function parseIssuePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** A plugin issue with its absolute dotted path, e.g. `spec.serviceDiscovery.awsCloudMap.serviceName`. */
export function absoluteIssuePath(key: string, issue: ConfigIssue): string {
  const base = `spec.serviceDiscovery.${key}`;
  if (!issue.path) return base;
  return issue.path.startsWith('[') ? `${base}${issue.path}` : `${base}.${issue.path}`;
}

/** Keys this module registered with @plexus/spec, with how many live registrations share each. */
const registered = new Map<string, { count: number; unregister: () => void }>();

/**
 * Makes the spec validator call each plugin's `validateConfig` for its keys, through
 * `registerServiceDiscoveryKey` of @plexus/spec. Keys the spec validates itself (`dns`, `awsCloudMap`,
 * `static`) or that someone else registered are left alone. Safe to call more than once (several daemons in
 * one process): registrations are reference-counted. Returns a function that releases this call's share.
 */
export function registerDiscoveryPluginKeys(plugins: readonly DiscoveryPlugin[]): () => void {
  const taken: string[] = [];
  for (const plugin of plugins) {
    for (const key of plugin.keys) {
      if (taken.includes(key)) continue;
      const mine = registered.get(key);
      if (mine) {
        mine.count++;
        taken.push(key);
        continue;
      }
      if (serviceDiscoveryKeys().includes(key)) continue;
      const unregister = registerServiceDiscoveryKey(key, (config: unknown, path: FieldPath) =>
        plugin
          .validateConfig(key, config)
          .map((i) => ({ path: [...path, ...parseIssuePath(i.path)], message: i.message })),
      );
      registered.set(key, { count: 1, unregister });
      taken.push(key);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const key of taken) {
      const r = registered.get(key);
      if (!r) continue;
      if (--r.count === 0) {
        r.unregister();
        registered.delete(key);
      }
    }
  };
}

/**
 * Validates one `spec.serviceDiscovery.<key>` block with whichever plugin handles `key` (for callers that do
 * not go through the spec validator). Paths are absolute (`spec.serviceDiscovery.<key>...`). A key no plugin
 * handles yields one issue naming the known keys.
 */
export function validateDiscoveryConfig(
  plugins: readonly DiscoveryPlugin[],
  key: string,
  config: unknown,
): ConfigIssue[] {
  const plugin = plugins.find((p) => p.keys.includes(key));
  if (!plugin) {
    const known = plugins.flatMap((p) => p.keys);
    return [
      {
        path: `spec.serviceDiscovery.${key}`,
        message: `no discovery plugin handles "${key}" (known: ${known.join(', ')})`,
      },
    ];
  }
  return plugin
    .validateConfig(key, config)
    .map((i) => ({ path: absoluteIssuePath(key, i), message: i.message }));
}
