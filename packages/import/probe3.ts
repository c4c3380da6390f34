import { readFileSync } from 'node:fs';
import { loadAndValidate, formatDiagnostic } from '@plexus/spec';
import { createImportReaders } from '@plexus/import';
const files = [{ path: 'tf/main.tf', content: readFileSync('/tmp/tfp/main.tf', 'utf8') }];
for (const params of [undefined, { path: 'p.txt', content: 'port=8080' }]) {
  const readers = await createImportReaders({ parameters: params });
  const r = loadAndValidate(files, { readers });
  for (const d of r.diagnostics) console.log(formatDiagnostic(d));
  for (const x of r.resources) console.log(x.kind, x.mesh, x.name, x.virtualRouter ?? '', x.position.line, JSON.stringify(x.spec));
  console.log(r.skipped);
}
