/**
 * `npm run bench:spec`: load + validate a generated mesh of 10,000 resources, several runs, min/median/max.
 * Goal: ≤ 1 s for 10,000 resources. Writes bench/results/spec.json and its BENCHMARKS.md table.
 *   --resources N   size (default 10000)     --runs N   runs per case (default 5)
 *   --format yaml|json|both (default both): native YAML files (one file per node/service) or App Mesh CLI
 *   input JSON (one resource per file).    --no-write   print only
 */
import { loadFiles, validateResources } from '@plexus/spec';
import { type GeneratedFormat, generateMesh, shapeFor } from './gen/mesh.ts';
import { loadAverage, machine } from './scale/proc-stats.ts';
import { commandLine, type Figure, publish, spread } from './scale/report.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const total = Number(arg('resources', '10000'));
const runs = Number(arg('runs', '5'));
const formatArg = arg('format', 'both');
const formats: GeneratedFormat[] = formatArg === 'both' ? ['json', 'yaml'] : [formatArg as GeneratedFormat];
const FORMAT_LABEL: Record<GeneratedFormat, string> = {
  json: 'App Mesh CLI JSON tree',
  yaml: 'native YAML tree',
};

const load0 = loadAverage();
const figures: Figure[] = [];
const raw: Record<string, object> = {};
const shapes: string[] = [];
let failed = false;
for (const format of formats) {
  const mesh = generateMesh(shapeFor(total), format);
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
    // CPU time is less sensitive than wall time to other processes on a shared machine (GC threads count too)
    cpu.push((c.user + c.system) / 1000);
  }
  if (both.length === 0) continue;
  const label = `${FORMAT_LABEL[format]}, ${mesh.files.length.toLocaleString('en')} files`;
  figures.push(
    { figure: `load + validate, ${label}`, unit: 'ms', goal: '≤ 1000', ...spread(both) },
    { figure: `of that, validate only, ${FORMAT_LABEL[format]}`, unit: 'ms', ...spread(validate) },
    { figure: `load + validate CPU, ${FORMAT_LABEL[format]}`, unit: 'ms', ...spread(cpu) },
  );
  raw[format] = { files: mesh.files.length, resources: mesh.resources, load, validate, both, cpu };
  shapes.push(
    `${mesh.resources.toLocaleString('en')} resources (${mesh.shape.nodes} nodes, ${mesh.shape.services} services × ` +
      `${mesh.shape.routesPerRouter} routes, ${mesh.shape.gatewayRoutes} gateway routes)`,
  );
}
if (failed) process.exit(1);
const load1 = loadAverage();
publish(
  {
    name: 'spec',
    title: 'Spec stage: npm run bench:spec',
    command: commandLine('bench:spec'),
    note:
      `A generated mesh of ${shapes[0]} loaded and validated in-process, ${runs} runs per format; ` +
      `load average ${load0} → ${load1}. Goal ≤ 1 s. Raw: bench/results/spec.json.`,
    figures,
    loadAverage: { start: load0, end: load1 },
    raw,
  },
  machine(),
);
