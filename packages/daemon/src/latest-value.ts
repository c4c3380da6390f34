/**
 * Typed pub/sub with latest-value semantics: a late subscriber immediately gets the current value, and a slow
 * subscriber that uses `latestWins` only ever processes the newest value (intermediate ones are dropped).
 */
export type Listener<T> = (value: T) => void;

export class LatestValueSubject<T> {
  #value: T | undefined;
  #has = false;
  readonly #listeners = new Set<Listener<T>>();

  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  publish(value: T): void {
    this.#value = value;
    this.#has = true;
    for (const l of [...this.#listeners]) l(value);
  }

  /** The last published value, if any. */
  latest(): T | undefined {
    return this.#value;
  }

  /** Calls `listener` with the current value (if any) and every later one; returns an unsubscribe function. */
  subscribe(listener: Listener<T>): () => void {
    this.#listeners.add(listener);
    if (this.#has) listener(this.#value as T);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Runs `work` for values one at a time; while one runs, only the newest pending value is kept.
 * `idle()` resolves once nothing is running or pending (used by tests and shutdown).
 */
export function latestWins<T>(
  work: (value: T) => Promise<void>,
  onError: (err: unknown) => void,
): {
  push: Listener<T>;
  idle: () => Promise<void>;
} {
  let pending: { value: T } | undefined;
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (pending) {
      const { value } = pending;
      pending = undefined;
      try {
        await work(value);
      } catch (err) {
        onError(err);
      }
    }
    running = undefined;
  };
  return {
    push(value) {
      pending = { value };
      running ??= drain();
    },
    async idle() {
      while (running) await running;
    },
  };
}
