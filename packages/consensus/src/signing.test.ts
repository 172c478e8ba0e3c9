import type { Commit, DuplicateVoteEvidence, Proposal, Vote } from '@babychain/codec';
import { decode, isBabyError, sha256 } from '@babychain/codec';
import { publicKeyFromSeed } from '@babychain/crypto';
import { describe, expect, it } from 'vitest';
import type { ConsensusErrorCodeValue } from './errors.ts';
import {
  proposalSignBytes,
  signProposal,
  signVote,
  verifyCommit,
  verifyEvidence,
  verifyProposal,
  verifyVote,
  voteSignBytes,
} from './signing.ts';
import { VoteType } from './types.ts';
import { ValidatorSet } from './validators.ts';

const CHAIN = 'babytest-1';
const seedOf = (i: number) => sha256(new TextEncoder().encode(`signing validator ${i}`));
const hashOf = (label: string) => sha256(new TextEncoder().encode(label));
const SEEDS = [0, 1, 2, 3].map(seedOf);
const SET = ValidatorSet.fromGenesis(
  SEEDS.map((s, i) => ({ name: `v${i}`, publicKey: publicKeyFromSeed(s), power: 1n })),
);
/** the seed of the validator at set index i */
const seedAt = (i: number) =>
  SEEDS[SEEDS.findIndex((s) => SET.indexOfPublicKey(publicKeyFromSeed(s)) === i)] as Uint8Array;
const BLOCK = hashOf('block');
const OTHER = hashOf('other block');
const NIL = new Uint8Array(0);

function expectError(fn: () => unknown, code: ConsensusErrorCodeValue, reason: string): Record<string, unknown> {
  try {
    fn();
  } catch (err: unknown) {
    expect(isBabyError(err, code), String(err)).toBe(true);
    const meta = (err as { meta: Record<string, unknown> }).meta;
    expect(meta['reason'], String(err)).toBe(reason);
    return meta;
  }
  throw new Error(`expected ${code} (${reason})`);
}

function voteBy(index: number, over: Partial<Vote> = {}): Vote {
  return signVote(
    CHAIN,
    {
      type: VoteType.PREVOTE,
      height: 5n,
      round: 1,
      blockHash: BLOCK,
      timeMs: 1_000n + BigInt(index),
      validatorIndex: index,
      ...over,
    },
    seedAt(index),
  );
}

function proposalBy(index: number, over: Partial<Proposal> = {}): Proposal {
  return signProposal(
    CHAIN,
    { height: 5n, round: 2, polRound: 0, blockHash: BLOCK, timeMs: 9_000n, ...over },
    seedAt(index),
  );
}

function commitBy(indices: number[], height = 5n, round = 0, blockHash = BLOCK): Commit {
  return {
    height,
    round,
    blockHash,
    signatures: indices.map((i) => ({
      validatorIndex: i,
      timeMs: 2_000n + BigInt(i),
      signature: voteBy(i, { type: VoteType.PRECOMMIT, height, round, blockHash, timeMs: 2_000n + BigInt(i) })
        .signature,
    })),
  };
}

describe('sign bytes', () => {
  it('are the canonical sign documents with their domains and the chain id', () => {
    const vote = voteBy(0);
    const doc = decode('babychain.v0.VoteSignDoc', voteSignBytes(CHAIN, vote));
    expect(doc).toEqual({
      domain: 'babychain/vote/v0',
      chainId: CHAIN,
      type: 1,
      height: 5n,
      round: 1,
      blockHash: BLOCK,
      timeMs: 1_000n,
    });
    const proposal = proposalBy(0, { polRound: 2 });
    expect(decode('babychain.v0.ProposalSignDoc', proposalSignBytes(CHAIN, proposal))).toEqual({
      domain: 'babychain/proposal/v0',
      chainId: CHAIN,
      height: 5n,
      round: 2,
      polRound: 2,
      blockHash: BLOCK,
      timeMs: 9_000n,
    });
  });
});

describe('verifyVote', () => {
  it('accepts a signed vote, a nil vote and a precommit', () => {
    verifyVote(CHAIN, voteBy(2), SET);
    verifyVote(CHAIN, voteBy(1, { blockHash: NIL }), SET);
    verifyVote(CHAIN, voteBy(3, { type: VoteType.PRECOMMIT }), SET);
  });

  it('rejects a vote of another type', () => {
    for (const type of [0, 3])
      expectError(() => verifyVote(CHAIN, { ...voteBy(0), type }, SET), 'CONS_BAD_VOTE', 'type');
  });

  it('rejects a validator index outside the set', () => {
    expectError(() => verifyVote(CHAIN, { ...voteBy(0), validatorIndex: 4 }, SET), 'CONS_BAD_VOTE', 'index');
  });

  it('rejects a block hash that is neither nil nor 32 bytes', () => {
    expectError(
      () => verifyVote(CHAIN, voteBy(0, { blockHash: BLOCK.subarray(1) }), SET),
      'CONS_BAD_VOTE',
      'block-hash',
    );
  });

  it('rejects a bad signature, another signer, another chain and a changed field', () => {
    const vote = voteBy(0);
    const flipped = Uint8Array.from(vote.signature);
    flipped[10] = (flipped[10] as number) ^ 1;
    expectError(() => verifyVote(CHAIN, { ...vote, signature: flipped }, SET), 'CONS_BAD_VOTE', 'signature');
    expectError(() => verifyVote(CHAIN, { ...vote, validatorIndex: 1 }, SET), 'CONS_BAD_VOTE', 'signature');
    expectError(() => verifyVote('another-chain', vote, SET), 'CONS_BAD_VOTE', 'signature');
    expectError(() => verifyVote(CHAIN, { ...vote, round: 2 }, SET), 'CONS_BAD_VOTE', 'signature');
    expectError(() => verifyVote(CHAIN, { ...vote, signature: new Uint8Array(0) }, SET), 'CONS_BAD_VOTE', 'signature');
  });
});

describe('verifyProposal', () => {
  const proposer = SET.proposer(5n, 2);

  it("accepts the round's proposer, with and without a proof-of-lock round", () => {
    verifyProposal(CHAIN, proposalBy(proposer), SET);
    verifyProposal(CHAIN, proposalBy(proposer, { polRound: 1 }), SET);
    verifyProposal(CHAIN, proposalBy(proposer, { polRound: 2 }), SET);
  });

  it('rejects a block hash that is not 32 bytes', () => {
    expectError(
      () => verifyProposal(CHAIN, proposalBy(proposer, { blockHash: NIL }), SET),
      'CONS_BAD_PROPOSAL',
      'block-hash',
    );
  });

  it('rejects a proof-of-lock round not below the round', () => {
    for (const polRound of [3, 4, 100]) {
      expectError(
        () => verifyProposal(CHAIN, proposalBy(proposer, { polRound }), SET),
        'CONS_BAD_PROPOSAL',
        'pol-round',
      );
    }
    expectError(
      () => verifyProposal(CHAIN, proposalBy(SET.proposer(5n, 0), { round: 0, polRound: 1 }), SET),
      'CONS_BAD_PROPOSAL',
      'pol-round',
    );
  });

  it('rejects a proposal signed by anyone but the proposer', () => {
    expectError(() => verifyProposal(CHAIN, proposalBy((proposer + 1) % 4), SET), 'CONS_BAD_PROPOSAL', 'signature');
    const p = proposalBy(proposer);
    expectError(() => verifyProposal(CHAIN, { ...p, timeMs: 9_001n }, SET), 'CONS_BAD_PROPOSAL', 'signature');
  });
});

describe('verifyCommit', () => {
  const bad = (commit: Commit, reason: string, height = 5n, hash = BLOCK) =>
    expectError(() => verifyCommit(CHAIN, SET, height, hash, commit), 'CONS_BAD_COMMIT', reason);

  it('accepts precommits of more than 2/3 of the power, any round', () => {
    verifyCommit(CHAIN, SET, 5n, BLOCK, commitBy([0, 1, 2]));
    verifyCommit(CHAIN, SET, 5n, BLOCK, commitBy([0, 1, 2, 3], 5n, 7));
    verifyCommit(CHAIN, SET, 5n, BLOCK, commitBy([0, 2, 3]));
  });

  it('rejects a commit for another height or block', () => {
    bad(commitBy([0, 1, 2]), 'height', 6n);
    bad(commitBy([0, 1, 2]), 'block-hash', 5n, OTHER);
    bad(commitBy([0, 1, 2], 5n, 0, OTHER), 'block-hash');
  });

  it('rejects an empty commit', () => {
    bad(commitBy([]), 'empty');
  });

  it('rejects indices that do not strictly ascend', () => {
    const c = commitBy([0, 1, 2]);
    bad({ ...c, signatures: [c.signatures[1], c.signatures[0], c.signatures[2]] as Commit['signatures'] }, 'order');
    bad({ ...c, signatures: [...c.signatures, c.signatures[2]] as Commit['signatures'] }, 'order');
  });

  it('rejects an index outside the set', () => {
    const c = commitBy([0, 1, 2]);
    bad(
      { ...c, signatures: [...c.signatures, { ...(c.signatures[2] as Commit['signatures'][0]), validatorIndex: 4 }] },
      'index',
    );
  });

  it('rejects signers holding 2/3 of the power or less', () => {
    const meta = bad(commitBy([1, 3]), 'power');
    expect(meta['power']).toBe(2n);
  });

  it('rejects a bad signature: tampered, a prevote, another round, another time', () => {
    const c = commitBy([0, 1, 2]);
    const sigs = c.signatures.map((s) => ({ ...s }));
    const flipped = Uint8Array.from(sigs[1]?.signature ?? []);
    flipped[0] = (flipped[0] as number) ^ 0x80;
    (sigs[1] as (typeof sigs)[0]).signature = flipped;
    expect(bad({ ...c, signatures: sigs }, 'signature')['validatorIndex']).toBe(1);
    const prevote = voteBy(2, { blockHash: BLOCK, height: 5n, round: 0, timeMs: 2_002n });
    bad(
      {
        ...c,
        signatures: [sigs[0], c.signatures[1], { ...sigs[2], signature: prevote.signature }] as Commit['signatures'],
      },
      'signature',
    );
    bad({ ...c, round: 1 }, 'signature');
    bad({ ...c, signatures: c.signatures.map((s) => ({ ...s, timeMs: s.timeMs + 1n })) }, 'signature');
  });
});

describe('verifyEvidence', () => {
  // the pair ordered by block hash, empty first
  function pairOf(hashA: Uint8Array, hashB: Uint8Array, index = 2): DuplicateVoteEvidence {
    const [x, y] = Buffer.compare(hashA, hashB) <= 0 ? [hashA, hashB] : [hashB, hashA];
    return { voteA: voteBy(index, { blockHash: x }), voteB: voteBy(index, { blockHash: y }) };
  }
  const ev = pairOf(BLOCK, OTHER);
  const bad = (e: DuplicateVoteEvidence, reason: string) =>
    expectError(() => verifyEvidence(CHAIN, SET, e), 'CONS_BAD_EVIDENCE', reason);

  it('accepts two signed votes for different blocks, and nil against a block', () => {
    verifyEvidence(CHAIN, SET, ev);
    verifyEvidence(CHAIN, SET, pairOf(NIL, BLOCK, 0));
  });

  it('rejects evidence missing a vote', () => {
    bad({ voteA: ev.voteA }, 'missing');
    bad({ voteB: ev.voteB }, 'missing');
  });

  it('rejects votes that differ in height, round, type or validator', () => {
    const a = ev.voteA as Vote;
    const b = ev.voteB as Vote;
    expect(bad({ voteA: a, voteB: voteBy(2, { blockHash: b.blockHash, height: 6n }) }, 'mismatch')['field']).toBe(
      'height',
    );
    expect(bad({ voteA: a, voteB: voteBy(2, { blockHash: b.blockHash, round: 0 }) }, 'mismatch')['field']).toBe(
      'round',
    );
    expect(
      bad({ voteA: a, voteB: voteBy(2, { blockHash: b.blockHash, type: VoteType.PRECOMMIT }) }, 'mismatch')['field'],
    ).toBe('type');
    expect(bad({ voteA: a, voteB: voteBy(1, { blockHash: b.blockHash }) }, 'mismatch')['field']).toBe('validatorIndex');
  });

  it('rejects two votes for the same block, even with different times', () => {
    bad({ voteA: voteBy(2), voteB: voteBy(2, { timeMs: 5n }) }, 'same-block');
  });

  it('rejects votes in the wrong order', () => {
    bad({ voteA: ev.voteB, voteB: ev.voteA }, 'order');
    const nil = pairOf(NIL, BLOCK);
    bad({ voteA: nil.voteB, voteB: nil.voteA }, 'order');
  });

  it('rejects a vote with a bad signature or shape', () => {
    const b = ev.voteB as Vote;
    const meta = bad({ voteA: ev.voteA, voteB: { ...b, signature: (ev.voteA as Vote).signature } }, 'signature');
    expect(meta['vote']).toBe('b');
    bad({ voteA: { ...(ev.voteA as Vote), validatorIndex: 9 }, voteB: { ...b, validatorIndex: 9 } }, 'index');
    bad(pairOf(BLOCK.subarray(0, 5), OTHER), 'block-hash');
    bad({ voteA: { ...(ev.voteA as Vote), type: 7 }, voteB: { ...b, type: 7 } }, 'type');
  });
});
