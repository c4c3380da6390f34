/** Summarises a .cpuprofile: self time by function and by file (npx node bench/scale/profile-summary.ts FILE [N]). */
import { readFileSync } from 'node:fs';

/** Paths shown relative to the checkout the profile was taken in. */
const ROOT_URL = new URL('../..', import.meta.url).href;
const rel = (url: string) => url.replace(ROOT_URL, '').replace(/^file:\/\/\/work\/[^/]+\//, '');

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export function summarize(path: string, top = 25): string {
  const prof = JSON.parse(readFileSync(path, 'utf8')) as {
    nodes: Node[];
    startTime: number;
    endTime: number;
  };
  const total = prof.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of prof.nodes) {
    const h = n.hitCount ?? 0;
    if (!h) continue;
    const url = rel(n.callFrame.url);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + h);
    byFile.set(url || '(native)', (byFile.get(url || '(native)') ?? 0) + h);
  }
  // Inclusive (total) time: each sample counts once for every distinct project function on its stack.
  const parent = new Map<number, Node>();
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const inclusive = new Map<string, number>();
  for (const n of prof.nodes) {
    const h = n.hitCount ?? 0;
    if (!h) continue;
    const seen = new Set<string>();
    for (let x: Node | undefined = n; x; x = parent.get(x.id)) {
      const url = rel(x.callFrame.url);
      if (!url.startsWith('packages/') && !url.startsWith('plugins/') && !url.includes('isomorphic-git'))
        continue;
      seen.add(`${x.callFrame.functionName || '(anonymous)'} ${url}:${x.callFrame.lineNumber + 1}`);
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + h);
  }
  void byId;
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `samples ${total}, ${((prof.endTime - prof.startTime) / 1e6).toFixed(1)} s\n-- self time by function\n${fmt(byFn)}\n-- self time by file\n${fmt(byFile)}\n-- total (inclusive) time, project functions\n${fmt(inclusive)}`;
}

if (process.argv[1]?.endsWith('profile-summary.ts'))
  console.log(summarize(process.argv[2], Number(process.argv[3] ?? 25)));
