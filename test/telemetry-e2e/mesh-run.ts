/** The demo's colorapp on free ports with a helper to wait for a revision on all five Envoys. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@plexus/daemon';
import { waitFor } from '@plexus/testkit';
import { pino } from 'pino';
import { type ColorappRun, freePorts, startColorapp } from '../../scripts/demo/colorapp.ts';
import { commitAll } from '../../scripts/demo/local-mesh.ts';

export interface MeshRun {
  run: ColorappRun;
  http: string;
  /** Commits the repo and waits until all five Envoys run the new revision. */
  commit(message: string): Promise<string>;
  applied(sha: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMesh(name: string): Promise<MeshRun> {
  const workDir = mkdtempSync(join(tmpdir(), `plexus-${name}-`));
  const run = await startColorapp({ workDir, ports: await freePorts(), logger: pino({ level: 'warn' }) });
  const http = `http://127.0.0.1:${run.daemon.httpPort}`;
  const applied = async (sha: string) => {
    await waitFor(
      async () => {
        const s = (await (await fetch(`${http}/api/v1/status`)).json()) as StatusDocument;
        return (
          s.revision.applied === sha &&
          s.proxies.length >= 5 &&
          s.proxies.every((p) => p.connected && p.revision === sha && Object.keys(p.nacked).length === 0)
        );
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `revision ${sha.slice(0, 8)} on every Envoy` },
    );
  };
  return {
    run,
    http,
    applied,
    async commit(message) {
      const sha = commitAll(run.repo, message);
      await applied(sha);
      return sha;
    },
    async stop() {
      await run.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Parses Prometheus text into `name{labels}` → value for the series whose name starts with `prefix`. */
export function promSeries(
  text: string,
  prefix: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const m = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
