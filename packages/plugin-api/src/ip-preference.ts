/** App Mesh's IP preference values. */
export const IP_PREFERENCES = ['IPv4_ONLY', 'IPv4_PREFERRED', 'IPv6_ONLY', 'IPv6_PREFERRED'] as const;
export type IpPreference = (typeof IP_PREFERENCES)[number];

/**
 * Applies an App Mesh IP preference to candidate addresses: *_ONLY keeps one family (possibly none);
 * *_PREFERRED keeps the preferred family when present, else the other.
 */
export function applyIpPreference<T>(
  items: readonly T[],
  family: (item: T) => 4 | 6 | 0,
  preference: IpPreference,
): T[] {
  const v4 = items.filter((i) => family(i) === 4);
  const v6 = items.filter((i) => family(i) === 6);
  switch (preference) {
    case 'IPv4_ONLY':
      return v4;
    case 'IPv6_ONLY':
      return v6;
    case 'IPv4_PREFERRED':
      return v4.length > 0 ? v4 : v6;
    case 'IPv6_PREFERRED':
      return v6.length > 0 ? v6 : v4;
  }
}

/** Node-level preference, else the mesh's, else `fallback` (App Mesh: DNS prefers IPv6, Cloud Map IPv4). */
export function effectiveIpPreference(
  nodeLevel: unknown,
  meshLevel: unknown,
  fallback: IpPreference,
): IpPreference {
  for (const v of [nodeLevel, meshLevel]) {
    if (typeof v === 'string' && (IP_PREFERENCES as readonly string[]).includes(v)) return v as IpPreference;
  }
  return fallback;
}
