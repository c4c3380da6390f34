/**
 * Counts over the last `slots` seconds, one slot per second, reused as the clock moves on: memory per edge is
 * fixed whatever the traffic.
 */
export class SecondsWindow {
  readonly #width: number;
  readonly #slots: number;
  readonly #values: Float64Array;
  readonly #second: Float64Array;

  constructor(fields: number, slots = 60) {
    this.#width = fields;
    this.#slots = slots;
    this.#values = new Float64Array(fields * slots);
    this.#second = new Float64Array(slots).fill(-1);
  }

  get slots(): number {
    return this.#slots;
  }

  add(nowMs: number, field: number, amount = 1): void {
    const sec = Math.floor(nowMs / 1000);
    const i = sec % this.#slots;
    if (this.#second[i] !== sec) {
      this.#values.fill(0, i * this.#width, (i + 1) * this.#width);
      this.#second[i] = sec;
    }
    this.#values[i * this.#width + field] += amount;
  }

  /** Sums of every field over the `seconds` (≤ slots) ending at `nowMs`, the current second included. */
  sums(nowMs: number, seconds: number): Float64Array {
    const out = new Float64Array(this.#width);
    const now = Math.floor(nowMs / 1000);
    const n = Math.min(Math.max(1, seconds), this.#slots);
    for (let s = now - n + 1; s <= now; s++) {
      const i = ((s % this.#slots) + this.#slots) % this.#slots;
      if (this.#second[i] !== s) continue;
      for (let f = 0; f < this.#width; f++) out[f] += this.#values[i * this.#width + f];
    }
    return out;
  }
}
