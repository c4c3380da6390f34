import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AckEvent, Variant } from './load-child.ts';
import { cpuSeconds } from './proc-stats.ts';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

export interface ClientSpec {
  idx: number;
  node: string;
  variant: Variant;
}

export interface ClientNames {
  idx: number;
  eds: string[];
  rds: string[];
  /** Streams of this client that ended unasked and were reopened. */
  ends: number;
}

/** The load clients, spread over child processes, and every ACK they reported (with its timestamp). */
export class Fleet {
  readonly events: AckEvent[] = [];
  /** Client index → time it last reported holding everything it subscribed to. */
  readonly converged = new Map<number, number>();
  /** When the clients were told to connect (after their processes were up). */
  startedAt = 0;
  /** Client index → type → time of its latest ACK, so waits are O(clients asked about), not O(events). */
  private readonly latest = new Map<number, Map<string, number>>();
  private readonly kids: ChildProcess[];
  readonly size: number;
  private constructor(kids: ChildProcess[], size: number) {
    this.kids = kids;
    this.size = size;
    for (const k of kids) {
      k.on('message', (m: { events?: AckEvent[] }) => {
        if (!m.events) return;
        for (const e of m.events) {
          this.events.push(e);
          if (e.conv) this.converged.set(e.idx, e.at);
          let byType = this.latest.get(e.idx);
          if (!byType) {
            byType = new Map();
            this.latest.set(e.idx, byType);
          }
          byType.set(e.t, Math.max(byType.get(e.t) ?? 0, e.at));
        }
      });
    }
  }

  static async start(address: string, clients: ClientSpec[], procs: number): Promise<Fleet> {
    const per = Math.ceil(clients.length / procs);
    const kids: ChildProcess[] = [];
    for (let p = 0; p * per < clients.length; p++) {
      const kid = fork(CHILD, [], {
        // PLEXUS_BENCH_PROFILE_LOAD=1: a CPU profile of every load process (bench/.work), to check the harness.
        execArgv: process.env.PLEXUS_BENCH_PROFILE_LOAD
          ? ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(new URL('../.work', import.meta.url))]
          : [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await new Promise<void>((r, j) => {
        kid.once('message', () => r());
        kid.once('exit', (c) => j(new Error(`load child exited (${c})`)));
      });
      kids.push(kid);
    }
    const fleet = new Fleet(kids, clients.length);
    fleet.startedAt = Date.now();
    for (const [p, k] of kids.entries())
      k.send({ start: { address, clients: clients.slice(p * per, (p + 1) * per) } });
    return fleet;
  }

  /** CPU seconds the load processes have used so far (all of them). */
  cpuSeconds(): number {
    return this.kids.reduce((a, k) => a + (k.pid && k.exitCode === null ? cpuSeconds(k.pid) : 0), 0);
  }

  /** True when client `idx` ACKed type `t` ('L', 'R', 'C', 'E') at or after `since`. */
  ackedSince(idx: number, t: string, since: number): boolean {
    return (this.latest.get(idx)?.get(t) ?? 0) >= since;
  }

  /** Events at or after `t`. */
  since(t: number): AckEvent[] {
    return this.events.filter((e) => e.at >= t);
  }

  /** Every client drops its stream and channel and reconnects at once; returns the time it was asked. */
  reconnectAll(): number {
    this.converged.clear();
    const t0 = Date.now();
    for (const k of this.kids) k.send({ reconnect: true });
    return t0;
  }

  async names(): Promise<ClientNames[]> {
    const parts = await Promise.all(
      this.kids.map(
        (k) =>
          new Promise<ClientNames[]>((r) => {
            const on = (m: { names?: ClientNames[] }) => {
              if (!m.names) return;
              k.off('message', on);
              r(m.names);
            };
            k.on('message', on);
            k.send({ names: true });
          }),
      ),
    );
    return parts.flat();
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.kids.map(
        (k) =>
          new Promise<void>((r) => {
            if (k.exitCode !== null) return r();
            const timer = setTimeout(() => k.kill('SIGKILL'), 3000);
            k.once('exit', () => {
              clearTimeout(timer);
              r();
            });
            k.send({ stop: true });
          }),
      ),
    );
  }
}

/** Polls `done` until true; throws after `timeoutMs` with `what`. */
export async function until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
