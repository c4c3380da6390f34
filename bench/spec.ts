/**
 * `npm run bench:spec`: load + validate a generated mesh of 10,000 resources, several runs, min/median/max.
 * Goal: ≤ 1 s for 10,000 resources.
 *   --resources N   size (default 10000)     --runs N   runs per case (default 5)
 *   --format yaml|json|both (default both): native YAML files (one file per node/service) or App Mesh CLI
 *   input JSON (one resource per file).
 */
import os from 'node:os';
import { loadFiles, validateResources } from '@plexus/spec';
import { type GeneratedFormat, generateMesh, shapeFor } from './gen/mesh.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const total = Number(arg('resources', '10000'));
const runs = Number(arg('runs', '5'));
const formatArg = arg('format', 'both');
const formats: GeneratedFormat[] = formatArg === 'both' ? ['json', 'yaml'] : [formatArg as GeneratedFormat];

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(0).padStart(6);
  return `min ${f(s[0])} ms  median ${f(s[Math.floor(s.length / 2)])} ms  max ${f(s[s.length - 1])} ms`;
}

console.log(
  `bench:spec: ${total} resources, ${runs} runs per format, node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
let failed = false;
for (const format of formats) {
  const mesh = generateMesh(shapeFor(total), format);
  const bytes = mesh.files.reduce((n, f) => n + f.content.length, 0);
  const load: number[] = [];
  const validate: number[] = [];
  const both: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const loaded = loadFiles(mesh.files);
    const t1 = performance.now();
    const diagnostics = validateResources(loaded.resources);
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    if (loaded.resources.length !== mesh.resources || loaded.diagnostics.length + diagnostics.length > 0) {
      console.error(`${format}: expected ${mesh.resources} resources and no diagnostics, got`, {
        resources: loaded.resources.length,
        diagnostics: [...loaded.diagnostics, ...diagnostics].slice(0, 5),
      });
      failed = true;
      break;
    }
    load.push(t1 - t0);
    validate.push(t2 - t1);
    both.push(t2 - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  if (both.length === 0) continue;
  const median = [...both].sort((a, b) => a - b)[Math.floor(both.length / 2)];
  console.log(
    `\n${format}: ${mesh.files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${mesh.resources} resources` +
      ` (${mesh.shape.nodes} nodes, ${mesh.shape.services} services x ${mesh.shape.routesPerRouter} routes, ` +
      `${mesh.shape.gatewayRoutes} gateway routes, ${mesh.shape.endpoints} endpoints/node)`,
  );
  console.log(`  load             ${stats(load)}`);
  console.log(`  validate         ${stats(validate)}`);
  console.log(`  load + validate  ${stats(both)}   goal ≤ 1000 ms: ${median <= 1000 ? 'met' : 'NOT met'}`);
  // CPU time is less sensitive than wall time to other processes on a shared machine (GC threads count too)
  console.log(`  cpu time         ${stats(cpu)}`);
}
if (failed) process.exitCode = 1;
