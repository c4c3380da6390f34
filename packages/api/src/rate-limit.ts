/** A token bucket per access key: `perSecond` sustained, `burst` at once. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perSecond: number;
  readonly #burst: number;
  constructor(opts: { perSecond?: number; burst?: number } = {}) {
    this.#perSecond = opts.perSecond ?? 50;
    this.#burst = opts.burst ?? 100;
  }

  /** True when the call may go ahead (and takes a token). */
  take(key: string, now = Date.now()): boolean {
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#perSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
