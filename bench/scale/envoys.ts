/**
 * A handful of real Envoys (.venv/bin/envoy) beside the load clients, on nodes of their own ports (the daemon
 * gives them per-proxy listener ports). Their ACK times are read from Envoy's admin config_dump: the moment
 * the new version shows there is when Envoy accepted (and ACKed) it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { envoyBootstrap } from '@plexus/daemon';
import { envoyBinary, freePort } from '@plexus/testkit';
import { WORK } from './servers.ts';

export interface EnvoyNode {
  node: string;
  ingressPort: number;
  egressPort: number;
  adminPort: number;
}

export interface RunningEnvoy extends EnvoyNode {
  proc: ChildProcess;
  bootstrapFile: string;
}

/** Ports for `count` Envoys on nodes node-0..node-(count-1). */
export async function envoyNodes(count: number): Promise<EnvoyNode[]> {
  const out: EnvoyNode[] = [];
  for (let k = 0; k < count; k++) {
    out.push({
      node: `mesh/bench/virtualNode/node-${k}`,
      ingressPort: await freePort(),
      egressPort: await freePort(),
      adminPort: await freePort(),
    });
  }
  return out;
}

export function startEnvoys(nodes: EnvoyNode[], xdsPort: number): RunningEnvoy[] {
  return nodes.map((n, k) => {
    const file = `${WORK}/envoy-${process.pid}-${k}.json`;
    writeFileSync(
      file,
      JSON.stringify(
        envoyBootstrap({
          node: n.node,
          xdsAddress: `127.0.0.1:${xdsPort}`,
          adminPort: n.adminPort,
          adminAddress: '127.0.0.1',
        }),
      ),
    );
    const proc = spawn(
      envoyBinary(),
      ['-c', file, '--disable-hot-restart', '--concurrency', '1', '-l', 'error'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    return { ...n, proc, bootstrapFile: file };
  });
}

/** The versions Envoy holds for a config_dump resource kind, e.g. dynamic_route_configs. */
export async function envoyVersions(e: EnvoyNode, resource: string, extra = ''): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${e.adminPort}/config_dump?resource=${resource}${extra}`).catch(
    () => undefined,
  );
  if (!res?.ok) return '';
  const text = await res.text();
  const versions = [...text.matchAll(/"version_info":\s*"([^"]*)"/g)].map((m) => m[1]);
  // EDS dumps may carry no version_info: their content (addresses) tells the change then.
  return versions.length > 0 ? versions.join(',') : text.includes('"endpoint"') ? text : '';
}

/** Polls until the versions change from `before`; returns the time it saw the change. */
export async function waitVersionChange(
  e: EnvoyNode,
  resource: string,
  before: string,
  timeoutMs: number,
  extra = '',
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await envoyVersions(e, resource, extra);
    if (now && now !== before) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`Envoy ${e.node}: ${resource} unchanged after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function stopEnvoys(list: RunningEnvoy[]): Promise<void> {
  await Promise.all(
    list.map(
      (e) =>
        new Promise<void>((r) => {
          rmSync(e.bootstrapFile, { force: true });
          if (e.proc.exitCode !== null || e.proc.signalCode !== null) return r();
          const timer = setTimeout(() => e.proc.kill('SIGKILL'), 3000);
          e.proc.once('exit', () => {
            clearTimeout(timer);
            r();
          });
          e.proc.kill('SIGTERM');
        }),
    ),
  );
}
