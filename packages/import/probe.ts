import { readFileSync } from 'node:fs';
import { loadAndValidate, formatDiagnostic } from '@plexus/spec';
import { createImportReader } from '@plexus/import';
const dir = '/work/shared/appmesh/corpus';
const idx = JSON.parse(readFileSync(`${dir}/index.json`, 'utf8'));
for (const e of idx.filter((x: any) => x.format === 'cloudformation')) {
  const file = { path: e.file, content: readFileSync(`${dir}/${e.file}`, 'utf8') };
  let r = loadAndValidate([file], { partial: true, readers: [createImportReader()] });
  const needed = [...new Set(r.diagnostics.map((d) => /parameter '(\w+)'.*no Default/.exec(d.message)?.[1]).filter(Boolean))];
  const lines = needed.map((n) => `${n}=${n!.toLowerCase()}`).join('\n');
  r = loadAndValidate([file], { partial: true, readers: [createImportReader({ parameters: { path: 'p.txt', content: lines } })] });
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  console.log(`${r.ok ? 'OK ' : 'ERR'} ${e.file}: needs [${needed.join(',')}] ${r.resources.length} res, ${errs.length} errors`);
  for (const d of errs.slice(0, 5)) console.log('   ', formatDiagnostic(d).slice(0, 300));
}
