import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768–60999): a port handed out here cannot be taken, between this check and
// the real bind, by another process's `listen(0)` or outgoing connection, which is how an Envoy listener once
// found another Envoy's admin page on "its" port.
const FIRST = 20_000;
const SPAN = 12_000;
let next = FIRST + Math.floor(Math.random() * SPAN);

/** Whether `port` can be bound on `host` right now. */
async function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolveBindable) => {
    const srv = createServer();
    srv.once('error', () => resolveBindable(false));
    srv.listen(port, host, () => srv.close(() => resolveBindable(true)));
  });
}

/**
 * A TCP port free on `host` right now, never the same one twice in this process: ports are walked from a random
 * start so parallel test workers stay apart.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < SPAN; tries++) {
    const port = next;
    next = FIRST + ((next - FIRST + 1) % SPAN);
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free TCP port on ${host} in ${FIRST}–${FIRST + SPAN - 1}`);
}

/** Resolves once `check` returns true, polling every `intervalMs`, or rejects after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
