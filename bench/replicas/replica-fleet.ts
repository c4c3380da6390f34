/**
 * `plexus run` replicas as a production fleet runs them: separate processes of the real CLI on one remote
 * repository, each with its own state and clone cache, fetching on its own (polling). Ports are fixed per
 * replica so a restart comes back where the load balancer expects it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusDocument } from '@plexus/daemon';
import { freePort, repoRoot, type Started, startProcess, waitFor } from '@plexus/testkit';

const NODE = join(repoRoot, 'node_modules/.bin/node');
const PLEXUS = join(repoRoot, 'packages/cli/bin/plexus.js');

export interface ReplicaOptions {
  repoUrl: string;
  tokenFile: string;
  workDir: string;
  pollIntervalMs: number;
}

export class Replica {
  readonly name: string;
  readonly xdsPort: number;
  readonly httpPort: number;
  readonly stateDir: string;
  readonly cacheDir: string;
  proc: Started | undefined;
  private readonly o: ReplicaOptions;
  /** Output of earlier (killed) processes of this replica. */
  private past = '';

  private constructor(name: string, xdsPort: number, httpPort: number, o: ReplicaOptions) {
    this.name = name;
    this.xdsPort = xdsPort;
    this.httpPort = httpPort;
    this.o = o;
    this.stateDir = join(o.workDir, name, 'state');
    this.cacheDir = join(o.workDir, name, 'cache');
    mkdirSync(this.stateDir, { recursive: true });
  }

  static async create(name: string, o: ReplicaOptions): Promise<Replica> {
    return new Replica(name, await freePort(), await freePort(), o);
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get pid(): number {
    return this.proc?.proc.pid ?? 0;
  }

  start(): void {
    if (this.proc) this.past += this.proc.output();
    this.proc = startProcess(NODE, [
      PLEXUS,
      'run',
      '--repo',
      this.o.repoUrl,
      '--branch',
      'main',
      '--token-file',
      this.o.tokenFile,
      '--state-dir',
      this.stateDir,
      '--cache-dir',
      this.cacheDir,
      '--poll-interval',
      String(this.o.pollIntervalMs),
      '--xds-listen',
      `127.0.0.1:${this.xdsPort}`,
      '--http-listen',
      `127.0.0.1:${this.httpPort}`,
    ]);
  }

  async status(): Promise<StatusDocument> {
    const res = await fetch(`${this.url}/api/v1/status`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as StatusDocument;
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => (await fetch(`${this.url}/readyz`)).ok, {
      timeoutMs,
      intervalMs: 100,
      what: `replica ${this.name} /readyz`,
    });
  }

  /** kill -9 of this replica's own process (by pid); resolves when it is gone. */
  async kill9(): Promise<number> {
    const p = this.proc?.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) throw new Error(`${this.name} is not running`);
    const gone = new Promise<void>((r) => p.once('exit', () => r()));
    const at = Date.now();
    process.kill(p.pid as number, 'SIGKILL');
    await gone;
    return at;
  }

  output(): string {
    return this.past + (this.proc?.output() ?? '');
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }
}
