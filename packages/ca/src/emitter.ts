/** The change listeners of a backend. */
export class ChangeListeners {
  readonly #listeners = new Set<(reason: string) => void>();
  add(listener: (reason: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(reason: string): void {
    for (const l of [...this.#listeners]) l(reason);
  }
}
