/**
 * Proves that something does not happen: resolves once `happened()` has stayed false for `quietMs`, and rejects
 * the moment it turns true. Wait for the event that should come first (the poll, the ACK, the update) and then
 * call this, rather than sleeping a fixed time and looking once: a busy machine then fails fast on a real
 * violation instead of sometimes sleeping past it, and the window is the only fixed time in the test.
 */
export async function staysQuiet(
  happened: () => boolean,
  { quietMs = 500, intervalMs = 20, what = 'nothing to happen' } = {},
): Promise<void> {
  const deadline = Date.now() + quietMs;
  for (;;) {
    if (happened()) throw new Error(`expected ${what} for ${quietMs} ms, but it happened`);
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(1, deadline - Date.now()))));
  }
}

/**
 * Resolves with `value()` once it has not changed for `quietMs` (a burst has settled); rejects if it is
 * still changing after `timeoutMs`.
 */
export async function settles<T>(
  value: () => T,
  { quietMs = 400, timeoutMs = 20_000, intervalMs = 20, what = 'the value to settle' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = value();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = value();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return now;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}
