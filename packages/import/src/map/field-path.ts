import type { FieldPath } from '@plexus/spec';

/** `['Properties', 'Spec', 'Listeners', 0]` → `Properties.Spec.Listeners[0]` (keys with dots or spaces quoted). */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][\w:-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
