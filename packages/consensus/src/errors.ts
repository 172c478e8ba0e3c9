import { BabyError, type ErrorMeta, type MetaArgs } from '@babychain/codec';

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

/** Every code but CONS_WAL_CLOSED names its case in `reason`; `position` is an index into the input's list. */
type Because = ErrorMeta & { reason: string };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<ConsensusErrorCodeValue, ErrorMeta> {
    [ConsensusErrorCode.BAD_VALIDATOR_SET]: Because & { position?: number };
    [ConsensusErrorCode.BAD_VOTE]: Because & { height: bigint; round: number; validatorIndex: number };
    [ConsensusErrorCode.BAD_PROPOSAL]: Because & { height: bigint; round: number };
    [ConsensusErrorCode.BAD_COMMIT]: Because & {
      position?: number;
      validatorIndex?: number;
      power?: bigint;
      totalPower?: bigint;
    };
    /** `field`: the one two votes differ in; `vote`: the vote that failed BAD_VOTE's checks, whose reason this is */
    [ConsensusErrorCode.BAD_EVIDENCE]: Because & { field?: string; vote?: 'a' | 'b' };
    [ConsensusErrorCode.DOUBLE_SIGN]: Because & {
      height: bigint;
      round: number;
      step: number;
      lastHeight: bigint;
      lastRound: number;
      lastStep: number;
    };
    [ConsensusErrorCode.GUARD_CORRUPT]: Because & { file: string };
    [ConsensusErrorCode.WAL_CORRUPT]: Because & { bytes?: number };
  }
}

export type ConsensusError = BabyError<ConsensusErrorCodeValue>;

export function consensusError<Code extends ConsensusErrorCodeValue>(
  code: Code,
  message: string,
  ...[meta, cause]: MetaArgs<Code, unknown>
): ConsensusError {
  return new BabyError<ConsensusErrorCodeValue>(code, message, meta, cause === undefined ? undefined : { cause });
}
