/**
 * The validator set of a height (CONS-2) and its proposer schedule (CONS-3).
 */
import { compareBytes, encode, type MetaOf, merkleRoot, toHex } from '@babychain/codec';
import { addressFromPublicKey, PUBLIC_KEY_LENGTH } from '@babychain/crypto';
import { ConsensusErrorCode, consensusError } from './errors.ts';
import type { ValidatorSetView } from './types.ts';

export interface Validator {
  /** position in the set (CONS-2 order) */
  readonly index: number;
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** ADDR-1 address of the consensus key (20 bytes) */
  readonly address: Uint8Array;
  readonly power: bigint;
}

export interface ValidatorInit {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly power: bigint;
  /** VAL-1: the account that acts for it in governance; consensus never reads it, a recorded set keeps it */
  readonly operator?: Uint8Array;
}

const UINT64_MAX = (1n << 64n) - 1n;
/** A proposer period up to this many steps is tabulated once; a longer one is simulated from a checkpoint. */
const TABLE_LIMIT = 1 << 16;
/** Simulation checkpoints: one every CHECKPOINT_EVERY steps, the latest CHECKPOINTS_KEPT kept. */
const CHECKPOINT_EVERY = 1024n;
const CHECKPOINTS_KEPT = 64;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function badSet(
  reason: string,
  message: string,
  meta: Omit<MetaOf<typeof ConsensusErrorCode.BAD_VALIDATOR_SET>, 'reason'> = {},
): never {
  throw consensusError(ConsensusErrorCode.BAD_VALIDATOR_SET, message, { reason, ...meta });
}

/**
 * An immutable validator set in canonical order: power descending, then address ascending bytewise (CONS-2).
 */
export class ValidatorSet implements ValidatorSetView {
  readonly validators: readonly Validator[];
  readonly size: number;
  readonly totalPower: bigint;
  /** CONS-2: Merkle root (ENC-14) of the canonical ValidatorLeaf encodings in set order */
  readonly hash: Uint8Array;
  /** CONS-3: the proposer sequence repeats after this many steps (totalPower / gcd of the powers) */
  readonly period: bigint;

  readonly #byAddress: Map<string, number>;
  readonly #byPublicKey: Map<string, number>;
  readonly #powers: readonly bigint[];
  #table: Uint32Array | undefined;
  // long periods: the simulation's current state (priorities after `#cursor` steps) and older checkpoints
  #cursor = 0n;
  #priorities: bigint[];
  #lastChosen = -1;
  readonly #checkpoints = new Map<bigint, readonly bigint[]>();

  private constructor(validators: readonly Validator[]) {
    this.validators = Object.freeze(validators.map((v) => Object.freeze(v)));
    this.size = validators.length;
    this.#powers = validators.map((v) => v.power);
    this.totalPower = this.#powers.reduce((a, b) => a + b, 0n);
    this.hash = merkleRoot(
      validators.map((v) => encode('babychain.v0.ValidatorLeaf', { publicKey: v.publicKey, power: v.power })),
    );
    this.period = this.totalPower / this.#powers.reduce((a, b) => gcd(b, a), 0n);
    this.#byAddress = new Map(validators.map((v) => [toHex(v.address), v.index]));
    this.#byPublicKey = new Map(validators.map((v) => [toHex(v.publicKey), v.index]));
    this.#priorities = validators.map(() => 0n);
  }

  /** CONS-2: the set of the genesis validators (or of any list of keys and powers), in canonical order. */
  static fromGenesis(vs: readonly ValidatorInit[]): ValidatorSet {
    if (vs.length === 0) badSet('empty', 'the validator set is empty');
    const seen = new Set<string>();
    const entries = vs.map((v, i) => {
      if (!(v.publicKey instanceof Uint8Array) || v.publicKey.length !== PUBLIC_KEY_LENGTH) {
        badSet('public-key', `validator ${i} (${v.name}): a public key must be ${PUBLIC_KEY_LENGTH} bytes`, {
          position: i,
        });
      }
      if (typeof v.power !== 'bigint' || v.power <= 0n || v.power > UINT64_MAX) {
        badSet('power', `validator ${i} (${v.name}): power must be in 1..2^64-1, got ${String(v.power)}`, {
          position: i,
        });
      }
      const hex = toHex(v.publicKey);
      if (seen.has(hex)) badSet('duplicate', `validator ${i} (${v.name}): public key ${hex} repeats`, { position: i });
      seen.add(hex);
      return {
        name: v.name,
        publicKey: Uint8Array.from(v.publicKey),
        address: addressFromPublicKey(v.publicKey),
        power: v.power,
      };
    });
    entries.sort((a, b) => (a.power !== b.power ? (a.power > b.power ? -1 : 1) : compareBytes(a.address, b.address)));
    return new ValidatorSet(entries.map((e, index) => ({ index, ...e })));
  }

  power(index: number): bigint {
    return this.byIndex(index).power;
  }

  byIndex(index: number): Validator {
    const v = this.validators[index];
    if (v === undefined) throw new RangeError(`no validator at index ${index} (set size ${this.size})`);
    return v;
  }

  /** The index of the validator with this 20-byte address, or -1. */
  indexOfAddress(address: Uint8Array): number {
    return this.#byAddress.get(toHex(address)) ?? -1;
  }

  /** The index of the validator with this public key, or -1. */
  indexOfPublicKey(publicKey: Uint8Array): number {
    return this.#byPublicKey.get(toHex(publicKey)) ?? -1;
  }

  /** More than two thirds of the total power. */
  hasQuorum(power: bigint): boolean {
    return 3n * power > 2n * this.totalPower;
  }

  /** More than one third of the total power: at least one honest validator is among them. */
  hasOneThird(power: bigint): boolean {
    return 3n * power > this.totalPower;
  }

  /**
   * CONS-3: smooth weighted round robin. Every step, each validator's priority grows by its power, the highest
   * priority (lowest index on a tie) is chosen and loses the total power. proposer(h, r) is the choice of step
   * (h - 1 + r) mod period, steps counted from 0 with every priority at 0.
   */
  proposer(height: bigint, round: number): number {
    if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`bad round ${round}`);
    const k = (((height - 1n + BigInt(round)) % this.period) + this.period) % this.period;
    if (this.period <= BigInt(TABLE_LIMIT)) {
      this.#table ??= this.#tabulate();
      return this.#table[Number(k)] as number;
    }
    return this.#simulate(k);
  }

  /** One step of the schedule: mutates `priorities`, returns the chosen index. */
  #step(priorities: bigint[]): number {
    let best = 0;
    for (let i = 0; i < priorities.length; i++) {
      const p = (priorities[i] as bigint) + (this.#powers[i] as bigint);
      priorities[i] = p;
      if (p > (priorities[best] as bigint)) best = i;
    }
    priorities[best] = (priorities[best] as bigint) - this.totalPower;
    return best;
  }

  #tabulate(): Uint32Array {
    const n = Number(this.period);
    const table = new Uint32Array(n);
    const priorities = this.#powers.map(() => 0n);
    for (let k = 0; k < n; k++) table[k] = this.#step(priorities);
    return table;
  }

  /** The choice of step k, simulated from the nearest saved state at or before k. */
  #simulate(k: bigint): number {
    if (k + 1n === this.#cursor) return this.#lastChosen;
    if (k < this.#cursor) {
      let from = 0n;
      for (const at of this.#checkpoints.keys()) if (at <= k && at > from) from = at;
      this.#cursor = from;
      this.#priorities = from === 0n ? this.#powers.map(() => 0n) : [...(this.#checkpoints.get(from) ?? [])];
    }
    while (this.#cursor <= k) {
      if (this.#cursor % CHECKPOINT_EVERY === 0n && this.#cursor > 0n && !this.#checkpoints.has(this.#cursor)) {
        this.#checkpoints.set(this.#cursor, [...this.#priorities]);
        if (this.#checkpoints.size > CHECKPOINTS_KEPT) {
          let oldest = this.#cursor;
          for (const at of this.#checkpoints.keys()) if (at < oldest) oldest = at;
          this.#checkpoints.delete(oldest);
        }
      }
      this.#lastChosen = this.#step(this.#priorities);
      this.#cursor++;
    }
    return this.#lastChosen;
  }
}

/**
 * Sets by their content, so that a height whose set did not change reuses the instance of the height before (and its
 * proposer schedule, CONS-3) instead of sorting, hashing and simulating it again. Keeps the few most recent.
 */
export class ValidatorSetCache {
  readonly #byKey = new Map<string, ValidatorSet>();

  of(list: readonly ValidatorInit[]): ValidatorSet {
    const key = list.map((v) => `${toHex(v.publicKey)}:${v.power}:${v.name}`).join(',');
    let set = this.#byKey.get(key);
    if (set === undefined) {
      set = ValidatorSet.fromGenesis(list);
      this.#byKey.set(key, set);
      if (this.#byKey.size > SETS_CACHED) this.#byKey.delete(this.#byKey.keys().next().value as string);
    } else {
      // most recently used last, so the oldest is the one dropped
      this.#byKey.delete(key);
      this.#byKey.set(key, set);
    }
    return set;
  }
}

/** a set, the one before and the one after it, with a margin */
const SETS_CACHED = 8;
