/** A sliding window of durations with nearest-rank percentiles: what `status` reports for block time and finality. */
export class DurationWindow {
  readonly #values: number[] = [];
  readonly #capacity: number;
  #next = 0;

  constructor(capacity = 200) {
    this.#capacity = capacity;
  }

  add(ms: number): void {
    if (this.#values.length < this.#capacity) this.#values.push(ms);
    else this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  summary(): { p50: number | null; p99: number | null; samples: number } {
    const sorted = [...this.#values].sort((a, b) => a - b);
    const rank = (p: number) => (sorted.length === 0 ? null : (sorted[Math.ceil(p * sorted.length) - 1] ?? null));
    return { p50: rank(0.5), p99: rank(0.99), samples: sorted.length };
  }
}
