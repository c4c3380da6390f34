/**
 * V8 flags `plexus run` starts the daemon with; the scale benchmark (BENCHMARKS.md, "daemon memory") measured
 * each. V8 sizes the young generation from the host's memory (up to 32 MB per semi-space on a 24 GiB host) and
 * lets the old generation grow to a multiple of what survived the last full GC; a daemon that re-translates a
 * 1,000-proxy mesh fills both with short-lived objects. Capping the semi-space at 8 MB took peak RSS from
 * ~520 MB to ~370 MB with less CPU, and a 30% growth step after each full GC kept it near ~305 MB through commit
 * bursts and a reconnect storm at the same latency.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=30'];

/** The daemon flags whose option the user has not set already, on the command line or in NODE_OPTIONS. */
export function missingDaemonFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((a) => a.split('=')[0]!.replaceAll('_', '-'));
  return DAEMON_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]!));
}
