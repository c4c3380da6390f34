import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientEvent, LoadInit } from './load-child.ts';

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

/** The types every client of the proof holds (colorapp's sidecars and gateway all get all four). */
export const TYPES = ['L', 'C', 'R', 'E'] as const;

/** What one client went through: its streams and every version it was sent. */
export interface ClientState {
  idx: number;
  node: string;
  /** The current stream's number (1 = the first). */
  stream: number;
  open: boolean;
  /** Per type, the version the client holds now. */
  versions: Record<string, string>;
  /** Per stream, per type: the first response's time and version. */
  firstOnStream: Map<number, Map<string, { at: number; version: string }>>;
  endedAt: number[];
  responses: Extract<ClientEvent, { kind: 'resp' }>[];
}

/** Load clients spread over child processes, with the state of each as its events arrive. */
export class LoadClients {
  readonly clients: ClientState[];
  private readonly kids: ChildProcess[];
  private constructor(kids: ChildProcess[], clients: ClientState[]) {
    this.kids = kids;
    this.clients = clients;
    for (const k of kids) {
      k.on('message', (m: { events?: ClientEvent[] }) => {
        for (const e of m.events ?? []) this.apply(e);
      });
    }
  }

  private apply(e: ClientEvent): void {
    const c = this.clients[e.idx]!;
    if (e.kind === 'open') {
      c.stream = e.stream;
      c.open = true;
    } else if (e.kind === 'end') {
      if (e.stream === c.stream) c.open = false;
      c.endedAt.push(e.at);
    } else {
      c.versions[e.t] = e.version;
      c.responses.push(e);
      let first = c.firstOnStream.get(e.stream);
      if (!first) {
        first = new Map();
        c.firstOnStream.set(e.stream, first);
      }
      if (!first.has(e.t)) first.set(e.t, { at: e.at, version: e.version });
    }
  }

  static async start(
    address: string,
    nodes: string[],
    { procs, retryMs }: { procs: number; retryMs: number },
  ): Promise<LoadClients> {
    const clients: ClientState[] = nodes.map((node, idx) => ({
      idx,
      node,
      stream: 0,
      open: false,
      versions: {},
      firstOnStream: new Map(),
      endedAt: [],
      responses: [],
    }));
    const per = Math.ceil(nodes.length / procs);
    const kids: ChildProcess[] = [];
    for (let p = 0; p * per < nodes.length; p++) {
      const kid = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      await new Promise<void>((resolve, reject) => {
        kid.once('message', () => resolve());
        kid.once('exit', (code) => reject(new Error(`load child exited (${code})`)));
      });
      kids.push(kid);
    }
    const fleet = new LoadClients(kids, clients);
    for (const [p, k] of kids.entries()) {
      const init: LoadInit = {
        address,
        retryMs,
        clients: clients.slice(p * per, (p + 1) * per).map((c) => ({ idx: c.idx, node: c.node })),
      };
      k.send({ start: init });
    }
    return fleet;
  }

  /** Every client has a stream open that got all four types. */
  allHold(): boolean {
    return this.clients.every((c) => c.open && (c.firstOnStream.get(c.stream)?.size ?? 0) === TYPES.length);
  }

  pids(): number[] {
    return this.kids.map((k) => k.pid ?? 0);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.kids.map(
        (k) =>
          new Promise<void>((resolve) => {
            if (k.exitCode !== null || k.signalCode !== null) return resolve();
            const timer = setTimeout(() => k.kill('SIGKILL'), 3000);
            k.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            k.send({ stop: true });
          }),
      ),
    );
  }
}
