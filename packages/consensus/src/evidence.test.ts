// CONS-13: which evidence a block at height h may carry, and whom it names.
import type { DuplicateVoteEvidence } from '@babychain/codec';
import { EVIDENCE_MAX_AGE, isBabyError, MAX_BLOCK_EVIDENCE, sha256 } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import { evidenceHeights, resolveEvidence } from './evidence.ts';
import { signVote } from './signing.ts';
import { VoteType } from './types.ts';
import { ValidatorSet } from './validators.ts';

const CHAIN = 'babytest-1';
const seeds = [0, 1, 2, 3].map((i) => sha256(new TextEncoder().encode(`evidence validator ${i}`)));
const setOf = (members: readonly Uint8Array[]) =>
  ValidatorSet.fromGenesis(members.map((s, i) => ({ name: `v${i}`, publicKey: publicKeyFromSeed(s), power: 1n })));
/** the set of height 5, and a later one in which the offender (seed 3) has left */
const AT_5 = setOf(seeds);
const LATER = setOf(seeds.slice(0, 3));
const offenderKey = publicKeyFromSeed(seeds[3] as Uint8Array);

function equivocation(height: bigint, set = AT_5): DuplicateVoteEvidence {
  const index = set.indexOfPublicKey(offenderKey);
  const vote = (blockHash: Uint8Array) =>
    signVote(
      CHAIN,
      { type: VoteType.PREVOTE, height, round: 0, blockHash, timeMs: 1n, validatorIndex: index },
      seeds[3] as Uint8Array,
    );
  return { voteA: vote(new Uint8Array(0)), voteB: vote(sha256(new TextEncoder().encode('a block'))) };
}

/** the sets this node holds: height 5's, and LATER's for every height after it */
const setAt = (h: bigint) => (h === 5n ? AT_5 : h > 5n ? LATER : undefined);

function reason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (isBabyError(err, 'CONS_BAD_EVIDENCE')) return err.meta.reason;
    throw err;
  }
  return 'accepted';
}

describe('evidence in a block (CONS-13)', () => {
  it("names the offender by its key in the set of the evidence's height, though it has left since", () => {
    const offence = resolveEvidence(CHAIN, 50n, equivocation(5n), setAt);
    expect(offence).toEqual({ publicKey: offenderKey, height: 5n });
    expect(LATER.indexOfPublicKey(offenderKey)).toBe(-1);
  });

  it('takes evidence of an earlier height only, up to the age limit', () => {
    const ev = equivocation(5n);
    expect(reason(() => resolveEvidence(CHAIN, 5n, ev, setAt))).toBe('future');
    expect(reason(() => resolveEvidence(CHAIN, 4n, ev, setAt))).toBe('future');
    expect(reason(() => resolveEvidence(CHAIN, 6n, ev, setAt))).toBe('accepted');
    expect(reason(() => resolveEvidence(CHAIN, 5n + EVIDENCE_MAX_AGE, ev, setAt))).toBe('accepted');
    expect(reason(() => resolveEvidence(CHAIN, 6n + EVIDENCE_MAX_AGE, ev, setAt))).toBe('expired');
  });

  it('checks the votes under the set of their own height: signed as a member of an older set, they do not verify', () => {
    // height 7 is signed by LATER, without the offender: its index in AT_5 names another validator there, or none
    const index = AT_5.indexOfPublicKey(offenderKey);
    const expected = index < LATER.size ? 'signature' : 'index';
    expect(reason(() => resolveEvidence(CHAIN, 9n, equivocation(7n, AT_5), setAt))).toBe(expected);
  });

  it('refuses evidence it cannot judge, and evidence missing a vote, before anything else', () => {
    expect(reason(() => resolveEvidence(CHAIN, 9n, equivocation(3n), setAt))).toBe('no-set');
    expect(reason(() => resolveEvidence(CHAIN, 9n, { voteB: equivocation(5n).voteB }, setAt))).toBe('missing');
  });

  it('counts the pieces and checks their heights first, needing no set: the heights whose sets to read', () => {
    const many = Array.from({ length: MAX_BLOCK_EVIDENCE + 1 }, () => equivocation(5n));
    expect(reason(() => evidenceHeights(50n, many))).toBe('too-many');
    expect(reason(() => evidenceHeights(50n, [equivocation(5n), equivocation(60n)]))).toBe('future');
    expect(evidenceHeights(50n, [equivocation(5n), equivocation(5n)])).toEqual([5n]);
  });
});
