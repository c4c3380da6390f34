import { Parser, Language } from 'web-tree-sitter';
import { fileURLToPath } from 'node:url';
await Parser.init();
const lang = await Language.load(fileURLToPath(import.meta.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm')));
const p = new Parser(); p.setLanguage(lang);
const src = `a = "é\\n\${x}" # c
  b = "z"
h = <<-EOT
    hi \${y}
      there
    EOT
o = { k = 1, "q" = 2, (v) = 3 }
s = "a\\"b $\${no}"
`;
const t = p.parse(src)!;
function dump(n: any, d = 0) { console.log(' '.repeat(d*2) + n.type + (n.isNamed ? '' : '(anon)') + ` ${n.startPosition.row+1}:${n.startPosition.column+1}` + (n.childCount === 0 ? ` ${JSON.stringify(n.text)}` : '')); for (const c of n.children) dump(c, d+1); }
dump(t.rootNode);
function find(n: any, type: string): any[] { const out: any[] = []; if (n.type === type) out.push(n); for (const c of n.children) out.push(...find(c, type)); return out; }
for (const n of find(t.rootNode, 'template_interpolation')) console.log(n.startIndex, n.endIndex, JSON.stringify(src.slice(n.startIndex, n.endIndex)));
for (const n of find(t.rootNode, 'heredoc_identifier')) console.log('hd', n.startIndex, n.endIndex, JSON.stringify(src.slice(n.startIndex, n.endIndex)));
const bad = p.parse('a = {\n b = \n}\nresource "x" {')!;
console.log(bad.rootNode.hasError, find(bad.rootNode,'ERROR').map((n:any)=>n.startPosition), );
function missing(n:any):any[]{const o:any[]=[]; if(n.isMissing)o.push(n.type+'@'+n.startPosition.row); for(const c of n.children)o.push(...missing(c)); return o;}
console.log(missing(bad.rootNode));
