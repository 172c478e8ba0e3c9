/**
 * Sign bytes, signing and verification of votes (CONS-4), proposals (CONS-5), commits (CONS-8) and duplicate-vote
 * evidence (CONS-9).
 */
import type { Commit, DuplicateVoteEvidence, Proposal, Vote } from '@babychain/codec';
import { bytesEqual, compareBytes, encode, isBabyError, type MetaOf } from '@babychain/codec';
import { sign, verify } from '@babychain/crypto';
import { ConsensusErrorCode, consensusError } from './errors.ts';
import { VoteType } from './types.ts';
import type { ValidatorSet } from './validators.ts';

export const VOTE_SIGN_DOMAIN = 'babychain/vote/v0';
export const PROPOSAL_SIGN_DOMAIN = 'babychain/proposal/v0';
const HASH_LENGTH = 32;

export type VoteFields = Pick<Vote, 'type' | 'height' | 'round' | 'blockHash' | 'timeMs'>;
export type ProposalFields = Pick<Proposal, 'height' | 'round' | 'polRound' | 'blockHash' | 'timeMs'>;
export type UnsignedVote = Omit<Vote, 'signature'> & { readonly signature?: Uint8Array };
export type UnsignedProposal = Omit<Proposal, 'signature'> & { readonly signature?: Uint8Array };

/** CONS-4: the canonical VoteSignDoc of a vote. */
export function voteSignBytes(chainId: string, vote: VoteFields): Uint8Array {
  return encode('babychain.v0.VoteSignDoc', {
    domain: VOTE_SIGN_DOMAIN,
    chainId,
    type: vote.type,
    height: vote.height,
    round: vote.round,
    blockHash: vote.blockHash,
    timeMs: vote.timeMs,
  });
}

/** CONS-5: the canonical ProposalSignDoc of a proposal. */
export function proposalSignBytes(chainId: string, proposal: ProposalFields): Uint8Array {
  return encode('babychain.v0.ProposalSignDoc', {
    domain: PROPOSAL_SIGN_DOMAIN,
    chainId,
    height: proposal.height,
    round: proposal.round,
    polRound: proposal.polRound,
    blockHash: proposal.blockHash,
    timeMs: proposal.timeMs,
  });
}

/** Signs a vote with a 32-byte ed25519 seed. A validator signs through its DoubleSignGuard instead (CONS-11). */
export function signVote(chainId: string, vote: UnsignedVote, seed: Uint8Array): Vote {
  return {
    type: vote.type,
    height: vote.height,
    round: vote.round,
    blockHash: vote.blockHash,
    timeMs: vote.timeMs,
    validatorIndex: vote.validatorIndex,
    signature: sign(seed, voteSignBytes(chainId, vote)),
  };
}

/** Signs a proposal with a 32-byte ed25519 seed. A validator signs through its DoubleSignGuard instead. */
export function signProposal(chainId: string, proposal: UnsignedProposal, seed: Uint8Array): Proposal {
  return {
    height: proposal.height,
    round: proposal.round,
    polRound: proposal.polRound,
    blockHash: proposal.blockHash,
    timeMs: proposal.timeMs,
    signature: sign(seed, proposalSignBytes(chainId, proposal)),
  };
}

function badVote(reason: string, message: string, vote: Vote): never {
  throw consensusError(ConsensusErrorCode.BAD_VOTE, message, {
    reason,
    height: vote.height,
    round: vote.round,
    validatorIndex: vote.validatorIndex,
  });
}

/**
 * CONS-4: a vote is well formed (type PREVOTE or PRECOMMIT, a validator of `set`, a nil or 32-byte block hash) and
 * signed by that validator. Throws CONS_BAD_VOTE with `meta.reason` 'type', 'index', 'block-hash' or 'signature'.
 */
export function verifyVote(chainId: string, vote: Vote, set: ValidatorSet): void {
  if (vote.type !== VoteType.PREVOTE && vote.type !== VoteType.PRECOMMIT) {
    badVote('type', `vote type ${vote.type} is neither PREVOTE nor PRECOMMIT`, vote);
  }
  if (!Number.isInteger(vote.validatorIndex) || vote.validatorIndex < 0 || vote.validatorIndex >= set.size) {
    badVote('index', `validator index ${vote.validatorIndex} is outside the set of ${set.size}`, vote);
  }
  if (vote.blockHash.length !== 0 && vote.blockHash.length !== HASH_LENGTH) {
    badVote('block-hash', `a vote's block hash is empty or ${HASH_LENGTH} bytes, got ${vote.blockHash.length}`, vote);
  }
  const { publicKey } = set.byIndex(vote.validatorIndex);
  if (!verify(publicKey, voteSignBytes(chainId, vote), vote.signature)) {
    badVote('signature', `the vote's signature is not validator ${vote.validatorIndex}'s`, vote);
  }
}

function badProposal(reason: string, message: string, proposal: Proposal): never {
  throw consensusError(ConsensusErrorCode.BAD_PROPOSAL, message, {
    reason,
    height: proposal.height,
    round: proposal.round,
  });
}

/**
 * CONS-5: a proposal names a 32-byte block, carries a proof-of-lock round below its own round (wire form: 0 for
 * none, 1 + vr otherwise), and is signed by proposer(height, round). Throws CONS_BAD_PROPOSAL with `meta.reason`
 * 'block-hash', 'pol-round' or 'signature'.
 */
export function verifyProposal(chainId: string, proposal: Proposal, set: ValidatorSet): void {
  if (proposal.blockHash.length !== HASH_LENGTH) {
    badProposal(
      'block-hash',
      `a proposal's block hash is ${HASH_LENGTH} bytes, got ${proposal.blockHash.length}`,
      proposal,
    );
  }
  if (proposal.polRound !== 0 && proposal.polRound - 1 >= proposal.round) {
    badProposal(
      'pol-round',
      `proof-of-lock round ${proposal.polRound - 1} is not below the proposal's round ${proposal.round}`,
      proposal,
    );
  }
  const proposer = set.byIndex(set.proposer(proposal.height, proposal.round));
  if (!verify(proposer.publicKey, proposalSignBytes(chainId, proposal), proposal.signature)) {
    badProposal('signature', `the proposal is not signed by the proposer (validator ${proposer.index})`, proposal);
  }
}

function badCommit(
  reason: string,
  message: string,
  meta: Omit<MetaOf<typeof ConsensusErrorCode.BAD_COMMIT>, 'reason'> = {},
): never {
  throw consensusError(ConsensusErrorCode.BAD_COMMIT, message, { reason, ...meta });
}

/**
 * CONS-8: `commit` certifies block `blockHash` at `height`: its signatures are precommits for (height,
 * commit.round, blockHash) by distinct validators of `set`, listed by ascending index, whose power exceeds two
 * thirds of the total. Throws CONS_BAD_COMMIT with `meta.reason` 'height', 'block-hash', 'empty', 'order',
 * 'index', 'power' or 'signature'. Every cheap check runs before the first signature is verified; verification
 * stops at the first bad signature.
 */
export function verifyCommit(
  chainId: string,
  set: ValidatorSet,
  height: bigint,
  blockHash: Uint8Array,
  commit: Commit,
): void {
  if (commit.height !== height) badCommit('height', `the commit is for height ${commit.height}, not ${height}`);
  if (blockHash.length !== HASH_LENGTH || !bytesEqual(commit.blockHash, blockHash)) {
    badCommit('block-hash', 'the commit is for another block');
  }
  if (commit.signatures.length === 0) badCommit('empty', 'the commit has no signatures');
  let power = 0n;
  let previous = -1;
  for (const [position, s] of commit.signatures.entries()) {
    if (s.validatorIndex <= previous) {
      badCommit('order', `validator indices must strictly ascend: ${s.validatorIndex} follows ${previous}`, {
        position,
      });
    }
    if (s.validatorIndex >= set.size) {
      badCommit('index', `validator index ${s.validatorIndex} is outside the set of ${set.size}`, { position });
    }
    previous = s.validatorIndex;
    power += set.power(s.validatorIndex);
  }
  if (!set.hasQuorum(power)) {
    badCommit('power', `the signers hold ${power} of ${set.totalPower} power, not more than two thirds`, {
      power,
      totalPower: set.totalPower,
    });
  }
  for (const [position, s] of commit.signatures.entries()) {
    const bytes = voteSignBytes(chainId, {
      type: VoteType.PRECOMMIT,
      height,
      round: commit.round,
      blockHash,
      timeMs: s.timeMs,
    });
    if (!verify(set.byIndex(s.validatorIndex).publicKey, bytes, s.signature)) {
      badCommit('signature', `the signature of validator ${s.validatorIndex} does not verify`, {
        position,
        validatorIndex: s.validatorIndex,
      });
    }
  }
}

function badEvidence(
  reason: string,
  message: string,
  meta: Omit<MetaOf<typeof ConsensusErrorCode.BAD_EVIDENCE>, 'reason'> = {},
): never {
  throw consensusError(ConsensusErrorCode.BAD_EVIDENCE, message, { reason, ...meta });
}

/**
 * CONS-9: the evidence proves that one validator of `set` signed two votes for the same height, round and type
 * but different blocks. Throws CONS_BAD_EVIDENCE with `meta.reason` 'missing' (a vote is absent), 'mismatch'
 * (`meta.field` differs), 'same-block', 'order' (vote_a's block hash must sort first, empty first), or the
 * CONS_BAD_VOTE reason of the vote (`meta.vote` 'a' or 'b') that is malformed or badly signed: 'type', 'index',
 * 'block-hash', 'signature'.
 */
export function verifyEvidence(chainId: string, set: ValidatorSet, evidence: DuplicateVoteEvidence): void {
  const a = evidence.voteA;
  const b = evidence.voteB;
  if (a === undefined || b === undefined) badEvidence('missing', 'the evidence needs two votes');
  for (const field of ['height', 'round', 'type', 'validatorIndex'] as const) {
    if (a[field] !== b[field]) {
      badEvidence('mismatch', `the votes differ in ${field}: ${a[field]} and ${b[field]}`, { field });
    }
  }
  const order = compareBytes(a.blockHash, b.blockHash);
  if (order === 0) badEvidence('same-block', 'the votes are for the same block');
  if (order > 0) badEvidence('order', "vote_a's block hash must sort before vote_b's");
  for (const [name, vote] of [
    ['a', a],
    ['b', b],
  ] as const) {
    try {
      verifyVote(chainId, vote, set);
    } catch (err: unknown) {
      if (isBabyError(err, ConsensusErrorCode.BAD_VOTE)) {
        badEvidence(err.meta.reason, `vote_${name}: ${err.message}`, { vote: name });
      }
      throw err;
    }
  }
}
