/** Summarises a V8 sampling heap profile: live bytes by allocating function (npx node bench/scale/heap-summary.ts FILE). */
import { readFileSync } from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const root = (JSON.parse(readFileSync(process.argv[2], 'utf8')) as { head: HeapNode }).head;
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
const walk = (n: HeapNode, stack: string[]) => {
  const url = n.callFrame.url
    .replace(new URL('../..', import.meta.url).href, '')
    .replace(/^file:\/\/\/work\/[^/]+\//, '');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  total += n.selfSize;
  self.set(key, (self.get(key) ?? 0) + n.selfSize);
  const here = stack.includes(key) ? stack : [...stack, key];
  if (n.selfSize)
    for (const k of here)
      if (/packages\/|plugins\//.test(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + n.selfSize);
  for (const c of n.children) walk(c, here);
};
walk(root, []);
const top = (m: Map<string, number>, n = 25) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${(v / 1e6).toFixed(1).padStart(7)} MB  ${k}`)
    .join('\n');
console.log(
  `live sampled ${(total / 1e6).toFixed(0)} MB\n-- by allocating function\n${top(self)}\n-- by project function on the stack\n${top(inclusive, 30)}`,
);
