import { encode, isBabyError, merkleRoot, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { ConsensusErrorCode } from './errors.ts';
import { ValidatorSet } from './validators.ts';

const seedOf = (i: number) => sha256(new TextEncoder().encode(`validator ${i}`));
const keyOf = (i: number) => publicKeyFromSeed(seedOf(i));
const genesis = (powers: bigint[]) => powers.map((power, i) => ({ name: `v${i}`, publicKey: keyOf(i), power }));

function expectSetError(fn: () => unknown, reason: string): void {
  try {
    fn();
  } catch (err: unknown) {
    expect(isBabyError(err, ConsensusErrorCode.BAD_VALIDATOR_SET), String(err)).toBe(true);
    expect((err as { meta: Record<string, unknown> }).meta['reason']).toBe(reason);
    return;
  }
  throw new Error('expected CONS_BAD_VALIDATOR_SET');
}

/** The CONS-3 schedule, literally: k + 1 steps from all-zero priorities. */
function naiveSchedule(powers: readonly bigint[], steps: number): number[] {
  const total = powers.reduce((a, b) => a + b, 0n);
  const prio = powers.map(() => 0n);
  const out: number[] = [];
  for (let k = 0; k < steps; k++) {
    let best = 0;
    for (let i = 0; i < powers.length; i++) {
      prio[i] = (prio[i] as bigint) + (powers[i] as bigint);
      if ((prio[i] as bigint) > (prio[best] as bigint)) best = i;
    }
    prio[best] = (prio[best] as bigint) - total;
    out.push(best);
  }
  return out;
}

describe('ValidatorSet', () => {
  it('orders validators by power descending, then address ascending', () => {
    const set = ValidatorSet.fromGenesis(genesis([1n, 5n, 1n, 5n, 3n]));
    expect(set.size).toBe(5);
    expect(set.totalPower).toBe(15n);
    expect(set.validators.map((v) => v.power)).toEqual([5n, 5n, 3n, 1n, 1n]);
    for (const [i, v] of set.validators.entries()) {
      expect(v.index).toBe(i);
      expect(toHex(v.address)).toBe(toHex(addressFromPublicKey(v.publicKey)));
    }
    for (const [a, b] of [
      [0, 1],
      [3, 4],
    ] as const) {
      expect(toHex(set.byIndex(a).address) < toHex(set.byIndex(b).address)).toBe(true);
    }
    // the order does not depend on the input order
    const reversed = ValidatorSet.fromGenesis(genesis([1n, 5n, 1n, 5n, 3n]).reverse());
    expect(reversed.validators.map((v) => v.name)).toEqual(set.validators.map((v) => v.name));
    expect(toHex(reversed.hash)).toBe(toHex(set.hash));
  });

  it('hashes the ValidatorLeaf encodings in set order', () => {
    const set = ValidatorSet.fromGenesis(genesis([2n, 7n, 1n]));
    const leaves = set.validators.map((v) =>
      encode('babychain.v0.ValidatorLeaf', { publicKey: v.publicKey, power: v.power }),
    );
    expect(toHex(set.hash)).toBe(toHex(merkleRoot(leaves)));
    expect(toHex(ValidatorSet.fromGenesis(genesis([2n, 7n, 2n])).hash)).not.toBe(toHex(set.hash));
  });

  it('looks validators up by index, address and public key', () => {
    const set = ValidatorSet.fromGenesis(genesis([1n, 2n, 3n]));
    for (const v of set.validators) {
      expect(set.indexOfAddress(v.address)).toBe(v.index);
      expect(set.indexOfPublicKey(v.publicKey)).toBe(v.index);
      expect(set.power(v.index)).toBe(v.power);
    }
    expect(set.indexOfAddress(new Uint8Array(20))).toBe(-1);
    expect(set.indexOfPublicKey(keyOf(99))).toBe(-1);
    expect(() => set.byIndex(3)).toThrow(RangeError);
  });

  it('counts quorum as more than 2/3 and one third as more than 1/3 of the power', () => {
    const set = ValidatorSet.fromGenesis(genesis([1n, 1n, 1n, 1n]));
    expect(set.hasQuorum(2n)).toBe(false);
    expect(set.hasQuorum(3n)).toBe(true);
    expect(set.hasOneThird(1n)).toBe(false);
    expect(set.hasOneThird(2n)).toBe(true);
    const three = ValidatorSet.fromGenesis(genesis([1n, 1n, 1n]));
    expect(three.hasQuorum(2n)).toBe(false);
    expect(three.hasQuorum(3n)).toBe(true);
    expect(three.hasOneThird(1n)).toBe(false);
  });

  it('rejects an empty set, a zero power, a repeated key and a malformed key', () => {
    expectSetError(() => ValidatorSet.fromGenesis([]), 'empty');
    expectSetError(() => ValidatorSet.fromGenesis(genesis([1n, 0n])), 'power');
    expectSetError(() => ValidatorSet.fromGenesis(genesis([1n, -1n])), 'power');
    expectSetError(() => ValidatorSet.fromGenesis(genesis([1n, 1n << 64n])), 'power');
    const dup = genesis([1n, 2n]);
    expectSetError(
      () => ValidatorSet.fromGenesis([...dup, { name: 'again', publicKey: keyOf(0), power: 3n }]),
      'duplicate',
    );
    expectSetError(
      () => ValidatorSet.fromGenesis([{ name: 'short', publicKey: new Uint8Array(31), power: 1n }]),
      'public-key',
    );
  });

  describe('proposer', () => {
    it('is plain round robin over equal powers', () => {
      for (const n of [1, 3, 4, 7]) {
        const set = ValidatorSet.fromGenesis(genesis(Array.from({ length: n }, () => 10n)));
        expect(set.period).toBe(BigInt(n));
        for (let h = 1n; h <= 20n; h++) {
          for (let r = 0; r < 6; r++) expect(set.proposer(h, r)).toBe(Number((h - 1n + BigInt(r)) % BigInt(n)));
        }
      }
    });

    it('gives powers [3, 1] the sequence 0, 0, 1, 0 over each period', () => {
      const set = ValidatorSet.fromGenesis(genesis([1n, 3n]));
      expect(set.validators.map((v) => v.power)).toEqual([3n, 1n]);
      expect(set.period).toBe(4n);
      const seq = Array.from({ length: 12 }, (_, k) => set.proposer(BigInt(k + 1), 0));
      expect(seq).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
      // rounds advance the schedule like heights do
      expect(set.proposer(1n, 2)).toBe(1);
      expect(set.proposer(3n, 0)).toBe(1);
    });

    it('chooses each validator power / gcd times per period', () => {
      for (const powers of [
        [6n, 4n, 2n],
        [5n, 3n, 3n, 1n],
        [100n, 1n],
        [17n, 13n, 11n, 7n, 5n, 3n, 2n],
      ]) {
        const set = ValidatorSet.fromGenesis(genesis(powers));
        const period = Number(set.period);
        const counts = new Array<number>(set.size).fill(0);
        for (let k = 0; k < period; k++) {
          const i = set.proposer(BigInt(k + 1), 0);
          counts[i] = (counts[i] as number) + 1;
        }
        const g = set.totalPower / set.period;
        expect(counts).toEqual(set.validators.map((v) => Number(v.power / g)));
        // periodic: the next period repeats this one
        for (let k = 0; k < period; k++) {
          expect(set.proposer(BigInt(k + 1 + period), 0)).toBe(set.proposer(BigInt(k + 1), 0));
        }
      }
    });

    it('matches the literal schedule', () => {
      const powers = [9n, 7n, 7n, 4n, 1n];
      const set = ValidatorSet.fromGenesis(genesis(powers));
      const expected = naiveSchedule(
        set.validators.map((v) => v.power),
        200,
      );
      expect(Array.from({ length: 200 }, (_, k) => set.proposer(BigInt(k + 1), 0))).toEqual(expected);
    });

    it('simulates a period too long to tabulate, forwards and backwards', () => {
      const set = ValidatorSet.fromGenesis(genesis([40_000n, 30_001n, 2n]));
      expect(set.period).toBe(70_003n);
      const expected = naiveSchedule(
        set.validators.map((v) => v.power),
        80_000,
      );
      const at = (k: number) => set.proposer(BigInt(k + 1), 0);
      for (const k of [0, 1, 5, 70_000, 70_002, 69_000, 69_001, 3000, 70_003, 70_004, 1, 12_345]) {
        expect(at(k), `step ${k}`).toBe(expected[k % 70_003]);
      }
      // a height and its rounds, then the next height: the engine's usual pattern
      for (let h = 50_000n; h < 50_020n; h++) {
        for (let r = 0; r < 4; r++) {
          expect(set.proposer(h, r)).toBe(expected[Number(h - 1n) + r]);
        }
      }
    });
  });
});
