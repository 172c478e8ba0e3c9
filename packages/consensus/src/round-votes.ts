// Internal to the engine: the votes of one (round, type), counted by voting power with one vote per validator.
import type { Vote } from '@babychain/codec';
import { bytesEqual, toHex } from '@babychain/codec';

/** What adding a vote did. `conflict`: the validator already voted for another block (the first vote is returned). */
export type AddResult =
  | { readonly kind: 'added' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly first: Vote; readonly firstConflict: boolean };

/**
 * The votes of one type at one round. Only each validator's first vote counts; a second vote for the same block is a
 * duplicate, one for a different block a conflict (reported once per validator as `firstConflict`).
 */
export class VoteTally {
  readonly #votes = new Map<number, Vote>();
  /** voting power per block hash (hex; "" is nil) */
  readonly #power = new Map<string, bigint>();
  readonly #conflicted = new Set<number>();
  #total = 0n;

  add(vote: Vote, power: bigint): AddResult {
    const first = this.#votes.get(vote.validatorIndex);
    if (first !== undefined) {
      if (bytesEqual(first.blockHash, vote.blockHash)) return { kind: 'duplicate' };
      const firstConflict = !this.#conflicted.has(vote.validatorIndex);
      this.#conflicted.add(vote.validatorIndex);
      return { kind: 'conflict', first, firstConflict };
    }
    this.#votes.set(vote.validatorIndex, vote);
    const key = toHex(vote.blockHash);
    this.#power.set(key, (this.#power.get(key) ?? 0n) + power);
    this.#total += power;
    return { kind: 'added' };
  }

  /** voting power of the counted votes for `blockHash` (empty: nil) */
  powerFor(blockHash: Uint8Array): bigint {
    return this.#power.get(toHex(blockHash)) ?? 0n;
  }

  /** voting power of all counted votes, whatever they are for */
  get totalPower(): bigint {
    return this.#total;
  }

  /** the counted votes for `blockHash`, by ascending validator index */
  votesFor(blockHash: Uint8Array): Vote[] {
    return this.all().filter((v) => bytesEqual(v.blockHash, blockHash));
  }

  /** every counted vote, by ascending validator index */
  all(): Vote[] {
    return [...this.#votes.values()].sort((a, b) => a.validatorIndex - b.validatorIndex);
  }
}
