import { BabyError } from '@babychain/codec';

/**
 * Every code this package throws (README.md lists them). Sub-cases are told apart by `meta.reason`. Codes are
 * protocol: they reach RPC clients and test vectors and are never renamed.
 */
export const ConsensusErrorCode = Object.freeze({
  /** CONS-2: an empty set, a zero power, a repeated or malformed public key */
  BAD_VALIDATOR_SET: 'CONS_BAD_VALIDATOR_SET',
  /** CONS-4: a malformed vote or one whose signature does not verify */
  BAD_VOTE: 'CONS_BAD_VOTE',
  /** CONS-5: a malformed proposal or one not signed by the round's proposer */
  BAD_PROPOSAL: 'CONS_BAD_PROPOSAL',
  /** CONS-8: a commit that does not certify the block it comes with */
  BAD_COMMIT: 'CONS_BAD_COMMIT',
  /** CONS-9: duplicate-vote evidence that proves nothing */
  BAD_EVIDENCE: 'CONS_BAD_EVIDENCE',
  /** CONS-11: the double-sign guard refused to sign */
  DOUBLE_SIGN: 'CONS_DOUBLE_SIGN',
  /** CONS-11: the last-signed file cannot be read: the node must not start */
  GUARD_CORRUPT: 'CONS_GUARD_CORRUPT',
  /** CONS-10: a WAL file cannot be read, or a record cannot be logged (a torn tail is repaired, not reported) */
  WAL_CORRUPT: 'CONS_WAL_CORRUPT',
  /** the WAL was used after close() */
  WAL_CLOSED: 'CONS_WAL_CLOSED',
  /** valid(v) (CONS-6): a proposed or synced block fails a consensus-level check; `meta.rule` names which */
  BAD_BLOCK: 'CONS_BAD_BLOCK',
  /** CONS-12: the state machine has a head block but no commit is stored for it; the node refuses to start */
  MISSING_COMMIT: 'NODE_MISSING_COMMIT',
} as const);

export type ConsensusErrorCodeValue = (typeof ConsensusErrorCode)[keyof typeof ConsensusErrorCode];

export type ConsensusError = BabyError<ConsensusErrorCodeValue>;

export function consensusError(
  code: ConsensusErrorCodeValue,
  message: string,
  meta: Record<string, unknown> = {},
  cause?: unknown,
): ConsensusError {
  return new BabyError(code, message, meta, cause === undefined ? undefined : { cause });
}
