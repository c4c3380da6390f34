import { DDSketch } from '@datadog/sketches-js';

/** Prometheus histogram bounds (seconds) for request durations. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const SLOT_SECONDS = 10;
const SLOTS = 6;

/**
 * Request durations of one edge: cumulative histogram buckets for Prometheus, and DDSketches per 10 s slot for
 * the last minute's p50/p90/p99 (relative error 1%) on the JSON API.
 */
export class Latency {
  readonly buckets = new Float64Array(DURATION_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  readonly #sketches: (DDSketch | undefined)[] = new Array(SLOTS);
  readonly #slotOf = new Float64Array(SLOTS).fill(-1);

  observe(nowMs: number, seconds: number): void {
    let b = 0;
    while (b < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[b]!) b++;
    this.buckets[b]! += 1;
    this.sum += seconds;
    this.count += 1;
    const slot = Math.floor(nowMs / 1000 / SLOT_SECONDS);
    const i = slot % SLOTS;
    if (this.#slotOf[i] !== slot || !this.#sketches[i]) {
      this.#sketches[i] = new DDSketch({ relativeAccuracy: 0.01 });
      this.#slotOf[i] = slot;
    }
    // Milliseconds, floored at 1 µs: the sketch maps values ≤ its min indexable to zero.
    this.#sketches[i]!.accept(Math.max(seconds * 1000, 0.001));
  }

  /** p50/p90/p99 in milliseconds over the slots covering the last `seconds` (rounded up to 10 s), or null. */
  quantiles(nowMs: number, seconds: number): { p50: number; p90: number; p99: number } | null {
    return sketchQuantiles(this.mergeInto(new DDSketch({ relativeAccuracy: 0.01 }), nowMs, seconds));
  }

  /** Adds this edge's durations of the slots covering the last `seconds` to `merged` (several edges, one p99). */
  mergeInto(merged: DDSketch, nowMs: number, seconds: number): DDSketch {
    const now = Math.floor(nowMs / 1000 / SLOT_SECONDS);
    // One more slot than the window spans: a window that began in the previous slot is covered.
    const n = Math.min(SLOTS, Math.max(1, Math.ceil(seconds / SLOT_SECONDS)) + 1);
    for (let s = now - n + 1; s <= now; s++) {
      const i = ((s % SLOTS) + SLOTS) % SLOTS;
      const sk = this.#sketches[i];
      if (sk && this.#slotOf[i] === s) merged.merge(sk);
    }
    return merged;
  }
}

/** p50/p90/p99 (ms) of a sketch of milliseconds, or null when it is empty. */
export function sketchQuantiles(merged: DDSketch): { p50: number; p90: number; p99: number } | null {
  if (merged.count === 0) return null;
  const q = (p: number) => Math.round(merged.getValueAtQuantile(p) * 1000) / 1000;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99) };
}
