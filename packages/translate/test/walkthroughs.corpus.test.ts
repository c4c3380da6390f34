import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, parseProxyId, proxyIds } from '@plexus/graph';
import { loadAndValidate, type SourceFile } from '@plexus/spec';
import { corpusDir, envoyValidate } from '@plexus/testkit';
import { type EnvoyConfig, translateProxy, UnsupportedFeatureError } from '@plexus/translate';
import { describe, expect, it } from 'vitest';

/** Corpus walkthrough directories, each loaded as one tree (files named `walkthroughs__<dir>__...`). */
function walkthroughs(): Map<string, SourceFile[]> {
  const groups = new Map<string, SourceFile[]>();
  for (const f of readdirSync(corpusDir).sort()) {
    if (!f.startsWith('walkthroughs__')) continue;
    const g = f.split('__')[1]!;
    const file = { path: f, content: readFileSync(join(corpusDir, f), 'utf8') };
    groups.set(g, [...(groups.get(g) ?? []), file]);
  }
  return groups;
}

function loadable(): [string, SourceFile[]][] {
  return [...walkthroughs()].filter(([, files]) => {
    const r = loadAndValidate(files);
    return r.ok && r.resources.length > 0;
  });
}

/**
 * Every proxy of every walkthrough that loads is translated and checked by real Envoy. ACM certificates are
 * refused by design (the error must say so); a config that names certificate files which exist only on the
 * walkthrough's hosts fails Envoy's file check and is counted separately, with the file named.
 */
async function checkTree(files: SourceFile[]) {
  const r = loadAndValidate(files);
  const graph = buildGraph(r.resources);
  const result = { validated: 0, refusedAcm: 0, missingFiles: 0, failures: [] as string[] };
  for (const id of proxyIds(graph)) {
    let cfg: EnvoyConfig;
    try {
      cfg = translateProxy(graph, parseProxyId(id)!, () => undefined);
    } catch (e) {
      if (e instanceof UnsupportedFeatureError && /ACM/.test(e.message)) result.refusedAcm++;
      else result.failures.push(`${id}: ${(e as Error).message}`);
      continue;
    }
    const v = await envoyValidate(cfg);
    if (v.ok) result.validated++;
    else if (missingFile(v.output)) result.missingFiles++;
    else result.failures.push(`${id}: ${v.output}`);
  }
  return result;
}

/** Envoy refused because a certificate file named in the spec does not exist on this machine. */
function missingFile(output: string): boolean {
  const m = /(?:Invalid path|unable to read file|private key from path): (\/\S+)/.exec(output);
  return m !== null && !existsSync(m[1]!);
}

describe('App Mesh corpus walkthroughs', () => {
  const trees = loadable();

  it('several walkthrough trees load', () => {
    expect(trees.length).toBeGreaterThanOrEqual(5);
  });

  it.each(trees.map(([name, files]) => [name, files] as const))(
    'walkthrough %s: every proxy translates and passes Envoy validate',
    async (_name, files) => {
      const res = await checkTree(files);
      expect(res.failures).toEqual([]);
      expect(res.validated + res.refusedAcm + res.missingFiles).toBeGreaterThan(0);
    },
  );
});
