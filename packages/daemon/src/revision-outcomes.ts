import type { Channels, RevisionOutcome, ValidRevision } from './messages.ts';

const KEPT = 16;

/**
 * The valid revisions seen lately and each outcome with the valid revision it was about: what readers of "the
 * revision the daemon serves" (the App Mesh API, the rollout controller) follow.
 */
export class RevisionOutcomes {
  readonly #valid = new Map<string, ValidRevision>();
  readonly #stops: Array<() => void>;

  constructor(
    channels: Channels,
    onOutcome: (outcome: RevisionOutcome, valid: ValidRevision | undefined) => void,
  ) {
    this.#stops = [
      channels.valid.subscribe((v) => {
        this.#valid.set(v.revision, v);
        while (this.#valid.size > KEPT) this.#valid.delete(this.#valid.keys().next().value!);
      }),
      channels.outcomes.subscribe((outcome) => onOutcome(outcome, this.#valid.get(outcome.revision))),
    ];
  }

  /** A valid revision among the last ones seen. */
  get(revision: string): ValidRevision | undefined {
    return this.#valid.get(revision);
  }

  stop(): void {
    for (const s of this.#stops) s();
  }
}
