import { ApiError } from './errors.ts';

interface Entry {
  fingerprint: string;
  /** The first call's answer (or its pending promise), replayed for a retry. */
  answer: Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
  at: number;
}

export type Answer = Entry['answer'] extends Promise<infer T> ? T : never;

/**
 * clientToken idempotency: a retry with the same token and the same request gets the first call's answer
 * (without a second commit); the same token with a different request is a ConflictException, as App Mesh
 * answers it. Tokens are remembered per access key for `ttlMs` (default 1 h), at most `max` of them.
 */
export class ClientTokens {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #max: number;
  constructor(opts: { ttlMs?: number; max?: number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 3_600_000;
    this.#max = opts.max ?? 10_000;
  }

  run(
    scope: string,
    token: string | undefined,
    fingerprint: string,
    call: () => Promise<Answer>,
  ): Promise<Answer> {
    if (!token) return call();
    const now = Date.now();
    for (const [k, e] of this.#entries) {
      if (now - e.at <= this.#ttlMs && this.#entries.size <= this.#max) break;
      this.#entries.delete(k);
    }
    const id = `${scope}\0${token}`;
    const known = this.#entries.get(id);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        return Promise.reject(
          new ApiError(
            'ConflictException',
            'The request contains a client token that was used for a previous update resource call with different specifications. Try the request again with a new client token.',
          ),
        );
      }
      return known.answer;
    }
    const answer = call();
    this.#entries.set(id, { fingerprint, answer, at: now });
    // a failed call may be retried with the same token
    answer.catch(() => this.#entries.delete(id));
    return answer;
  }
}
