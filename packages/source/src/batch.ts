/**
 * Runs `run` one call at a time. A trigger while a run is under way schedules exactly one more run afterwards
 * (with the earliest `seenAt` asked for), so bursts collapse and nothing noticed is lost.
 */
export class SerialRunner {
  private running: Promise<void> | null = null;
  private pendingSeenAt: number | null = null;

  private readonly run: (seenAt: number) => Promise<void>;
  constructor(run: (seenAt: number) => Promise<void>) {
    this.run = run;
  }

  /** Resolves once a run that started after this call has finished. */
  trigger(seenAt: number = Date.now()): Promise<void> {
    if (this.pendingSeenAt === null || seenAt < this.pendingSeenAt) this.pendingSeenAt = seenAt;
    if (!this.running) this.running = this.drain();
    return this.running;
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pendingSeenAt !== null) {
        const seenAt = this.pendingSeenAt;
        this.pendingSeenAt = null;
        await this.run(seenAt);
      }
    } finally {
      this.running = null;
    }
  }
}

/** Collects a burst of events and fires once it has been quiet for `delayMs`, passing the first event's time. */
export class Debouncer {
  private timer: NodeJS.Timeout | null = null;
  private firstAt: number | null = null;

  private readonly delayMs: number;
  private readonly fire: (firstAt: number) => void;
  constructor(delayMs: number, fire: (firstAt: number) => void) {
    this.delayMs = delayMs;
    this.fire = fire;
  }

  poke(): void {
    this.firstAt ??= Date.now();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const at = this.firstAt ?? Date.now();
      this.timer = null;
      this.firstAt = null;
      this.fire(at);
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.firstAt = null;
  }
}
