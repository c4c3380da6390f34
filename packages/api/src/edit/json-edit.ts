/** The indentation a JSON file uses (its first indented line), default two spaces. */
function indentOf(content: string): string | number {
  const m = /\n([ \t]+)\S/.exec(content);
  return m ? m[1] : 2;
}

/**
 * Rewrites a JSON file (App Mesh CLI input) through `next`, keeping its key order, indentation and final
 * newline. Returns null when `next` deletes the resource (the file goes).
 */
export function editJsonFile(
  content: string,
  next: (value: Record<string, unknown>) => Record<string, unknown> | null,
): string | null {
  const value = JSON.parse(content) as Record<string, unknown>;
  const out = next(value);
  if (out === null) return null;
  const trailing = content.endsWith('\n') ? '\n' : '';
  return JSON.stringify(out, null, indentOf(content)) + trailing;
}
