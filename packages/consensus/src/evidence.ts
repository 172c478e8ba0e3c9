/**
 * CONS-13: the evidence a block at height h may carry, and the offence each piece proves: who equivocated and at
 * which height. The state machine's own checks (BLK-11, VAL-9) come after; which sets a node holds for old heights
 * is its executor's business, given here as `setAt`.
 */
import type { DuplicateVoteEvidence } from '@babychain/codec';
import { EVIDENCE_MAX_AGE, MAX_BLOCK_EVIDENCE } from '@babychain/codec';
import type { Offence } from './app.ts';
import { ConsensusErrorCode, consensusError } from './errors.ts';
import { verifyEvidence } from './signing.ts';
import type { ValidatorSet } from './validators.ts';

function bad(reason: string, message: string): never {
  throw consensusError(ConsensusErrorCode.BAD_EVIDENCE, message, { reason });
}

/**
 * CONS-13's checks that need nothing but the piece and the block's height: both votes ('missing'), an earlier height
 * ('future'), within the age limit ('expired'). Returns the evidence's height.
 */
export function evidenceHeight(height: bigint, evidence: DuplicateVoteEvidence): bigint {
  const a = evidence.voteA;
  if (a === undefined || evidence.voteB === undefined) bad('missing', 'the evidence needs two votes');
  const at = a.height;
  if (at < 1n || at >= height) bad('future', `evidence of height ${at} cannot be in a block at ${height}`);
  if (height - at > EVIDENCE_MAX_AGE) {
    bad('expired', `evidence of height ${at} is older than ${EVIDENCE_MAX_AGE} blocks at ${height}`);
  }
  return at;
}

/**
 * CONS-13's first checks of a block's evidence, before any history is read or signature verified: at most
 * MAX_BLOCK_EVIDENCE pieces ('too-many'), then `evidenceHeight` of each in block order. Returns the distinct heights
 * whose sets the pieces need.
 */
export function evidenceHeights(height: bigint, evidence: readonly DuplicateVoteEvidence[]): bigint[] {
  if (evidence.length > MAX_BLOCK_EVIDENCE) {
    bad('too-many', `the block carries ${evidence.length} pieces of evidence, at most ${MAX_BLOCK_EVIDENCE}`);
  }
  return [...new Set(evidence.map((e) => evidenceHeight(height, e)))];
}

/**
 * CONS-13 for one piece of evidence in a block at `height`: throws CONS_BAD_EVIDENCE ('missing', 'future',
 * 'expired', 'no-set' when this node does not hold the set of the evidence's height, or a CONS-9 reason), else
 * returns the offence.
 */
export function resolveEvidence(
  chainId: string,
  height: bigint,
  evidence: DuplicateVoteEvidence,
  setAt: (height: bigint) => ValidatorSet | undefined,
): Offence {
  const at = evidenceHeight(height, evidence);
  const a = evidence.voteA as NonNullable<DuplicateVoteEvidence['voteA']>;
  const set = setAt(at);
  if (set === undefined) bad('no-set', `this node does not hold the validator set of height ${at}`);
  verifyEvidence(chainId, set, evidence);
  const offender = set.validators[a.validatorIndex];
  if (offender === undefined) throw new Error('unreachable: verifyEvidence checked the index');
  return { publicKey: offender.publicKey, height: at };
}
