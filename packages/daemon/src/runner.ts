/** A long-lived stage of the daemon. Runners talk only through channels; start/stop run in pipeline order. */
export interface Runner {
  readonly name: string;
  start(): void | Promise<void>;
  /** Resolves once the runner has finished any work in flight. */
  idle?(): Promise<void>;
  stop(): void | Promise<void>;
  /** Source runners: check for a change now (the webhook). */
  refresh?(): Promise<void>;
}
