/** A name pattern of the ownership rules: `*` matches any run of characters, `?` one; the rest is literal. */
export function globMatches(pattern: string, name: string): boolean {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(name);
}
