// Seeded test inputs: fast-check's Random over pure-rand's xoroshiro128+, the generator fast-check's own runs can use,
// so one seed names one stream for every package and a failing run replays from the seed it prints.
import { Random } from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class SeededRandom {
  readonly seed: number;
  readonly #random: Random;

  constructor(seed: number) {
    this.seed = seed;
    this.#random = new Random(xoroshiro128plus(seed));
  }

  /** uniform in [0, 1) */
  double(): number {
    return this.#random.nextDouble();
  }

  /** an integer in [0, maxExclusive) */
  int(maxExclusive: number): number {
    return this.#random.nextInt(0, maxExclusive - 1);
  }

  /** a bigint in [0, maxExclusive) */
  bigint(maxExclusive: bigint): bigint {
    return this.#random.nextBigInt(0n, maxExclusive - 1n);
  }

  bool(pTrue = 0.5): boolean {
    return this.double() < pTrue;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256));
  }

  /** Fisher–Yates, in place */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}
