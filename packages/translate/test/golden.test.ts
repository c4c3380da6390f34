import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envoyValidate, repoRoot } from '@plexus/testkit';
import { describe, expect, it } from 'vitest';
import { allResources, bootstrapClustersFor, caseNames, goldenRoot, runCase } from './helpers/cases.ts';
import { meshCaSecretsFor } from './helpers/mesh-ca-secrets.ts';
import { protoCheck } from './helpers/proto-check.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe.each(caseNames())('golden %s', (name) => {
  const result = runCase(name);
  const outDir = join(goldenRoot, name, 'out');
  const cwd = join(goldenRoot, name);

  it('loads without errors', () => {
    const errors = result.loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    expect(result.graph.unresolved).toEqual([]);
    expect(result.outputs.size).toBeGreaterThan(0);
  });

  it('matches out/*.json', () => {
    if (UPDATE) {
      mkdirSync(outDir, { recursive: true });
      for (const f of readdirSync(outDir)) if (!result.outputs.has(f)) rmSync(join(outDir, f));
      for (const [f, cfg] of result.outputs)
        writeFileSync(join(outDir, f), `${JSON.stringify(cfg, null, 2)}\n`);
      // Leave them as the repo's formatter wants them, so regenerating does not fail `biome check`.
      execFileSync(join(repoRoot, 'node_modules/.bin/biome'), ['format', '--write', outDir], {
        stdio: 'ignore',
      });
    }
    expect(existsSync(outDir) ? readdirSync(outDir).sort() : []).toEqual([...result.outputs.keys()].sort());
    for (const [f, cfg] of result.outputs) {
      expect(cfg, `${name}/out/${f}`).toEqual(JSON.parse(readFileSync(join(outDir, f), 'utf8')));
    }
  });

  it('every resource encodes with Envoy v3 protos (strict field names)', () => {
    for (const [f, cfg] of result.outputs) {
      for (const res of allResources(cfg)) {
        expect(res['@type'], `${f}: every resource has @type`).toBeTruthy();
        expect(protoCheck(res), `${f} ${String(res.name ?? res.cluster_name)}`).toEqual([]);
      }
    }
  });

  it('every golden passes real Envoy --mode validate', async () => {
    for (const f of result.outputs.keys()) {
      const golden = JSON.parse(readFileSync(join(outDir, f), 'utf8'));
      // The mesh CA's secrets come over ADS at run time; here they are real ones, issued now, held statically.
      golden.secrets.push(...(await meshCaSecretsFor(result, f, golden)));
      const v = await envoyValidate(golden, { cwd, bootstrapClusters: bootstrapClustersFor(result.options) });
      expect(v.ok, `${name}/${f}\n${v.output}`).toBe(true);
    }
  });
});
