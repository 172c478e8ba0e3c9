/**
 * The shared vocabulary of the consensus package (specs/consensus.md): enum values as they are on the wire, the
 * engine's inputs and outputs, and the narrow view of the validator set the engine needs.
 */
import type { Commit, DuplicateVoteEvidence, Proposal, Vote } from '@babychain/codec';

/** `babychain.v0.VoteType` */
export const VoteType = { PREVOTE: 1, PRECOMMIT: 2 } as const;
export type VoteTypeValue = (typeof VoteType)[keyof typeof VoteType];

/** `babychain.v0.ConsensusStep` */
export const Step = { PROPOSE: 1, PREVOTE: 2, PRECOMMIT: 3, COMMIT: 4 } as const;
export type StepValue = (typeof Step)[keyof typeof Step];

/** `babychain.v0.TimeoutStep` */
export const TimeoutStep = { PROPOSE: 1, PREVOTE: 2, PRECOMMIT: 3 } as const;
export type TimeoutStepValue = (typeof TimeoutStep)[keyof typeof TimeoutStep];

/** CONS-7: timeout(step, round) = base + round * delta, at most max. Local settings, not consensus rules. */
export interface TimeoutParams {
  readonly proposeMs: number;
  readonly proposeDeltaMs: number;
  readonly prevoteMs: number;
  readonly prevoteDeltaMs: number;
  readonly precommitMs: number;
  readonly precommitDeltaMs: number;
  /** no timeout grows beyond this */
  readonly maxMs: number;
}

export const DEFAULT_TIMEOUTS: TimeoutParams = Object.freeze({
  proposeMs: 1000,
  proposeDeltaMs: 250,
  prevoteMs: 300,
  prevoteDeltaMs: 250,
  precommitMs: 300,
  precommitDeltaMs: 250,
  maxMs: 4000,
});

/** What the engine needs to know about the validators of one height (CONS-2, CONS-3). */
export interface ValidatorSetView {
  readonly size: number;
  readonly totalPower: bigint;
  /** voting power of the validator at `index` (0 <= index < size) */
  power(index: number): bigint;
  /** CONS-3: the index of the proposer of (height, round) */
  proposer(height: bigint, round: number): number;
}

/** No round: the `-1` of the paper's lockedRound, validRound and vr. */
export const NO_ROUND = -1;

/**
 * What drives the engine. Signatures, the proposer's identity and the block's validity are checked by the caller
 * before an input is given: the engine trusts them (and stays pure).
 */
export type EngineInput<B> =
  /** begin round 0 of the engine's height */
  | { readonly kind: 'start' }
  /** a proposal signed by proposer(height, round); `valid` is the application's verdict on `block` (CONS-6) */
  | { readonly kind: 'proposal'; readonly proposal: Proposal; readonly block: B; readonly valid: boolean }
  /** a vote whose signature checked out for `validatorIndex` */
  | { readonly kind: 'vote'; readonly vote: Vote }
  /** a timeout the engine asked for has fired */
  | {
      readonly kind: 'timeout';
      readonly step: TimeoutStepValue;
      readonly height: bigint;
      readonly round: number;
    };

/** What the engine asks its driver to do, in order. */
export type EngineOutput<B> =
  /**
   * This validator is the proposer of (height, round): propose `block` (the valid value, CONS-6) when given,
   * otherwise a new block; sign it with the wire pol_round `validRound + 1` (0 when `validRound` is NO_ROUND) and
   * feed the signed proposal back as a `proposal` input.
   */
  | {
      readonly kind: 'propose';
      readonly height: bigint;
      readonly round: number;
      /** the engine's vr: the round of the valid value it re-proposes, NO_ROUND for none */
      readonly validRound: number;
      readonly block: B | undefined;
    }
  /** sign this vote (through the double-sign guard), log it, feed it back as a `vote` input, then broadcast it */
  | {
      readonly kind: 'vote';
      readonly type: VoteTypeValue;
      readonly height: bigint;
      readonly round: number;
      /** empty: nil */
      readonly blockHash: Uint8Array;
    }
  /** call back with a `timeout` input after `ms` */
  | {
      readonly kind: 'scheduleTimeout';
      readonly step: TimeoutStepValue;
      readonly height: bigint;
      readonly round: number;
      readonly ms: number;
    }
  /** the height is decided: `commit` holds the precommits of `round` for `blockHash` (CONS-8) */
  | {
      readonly kind: 'decide';
      readonly height: bigint;
      readonly round: number;
      readonly blockHash: Uint8Array;
      readonly block: B;
      readonly commit: Commit;
    }
  /** a validator signed two different votes for one height, round and type (CONS-9) */
  | { readonly kind: 'evidence'; readonly evidence: DuplicateVoteEvidence }
  /** the engine entered a new round or step (announced to peers, P2P-4) */
  | { readonly kind: 'roundStep'; readonly height: bigint; readonly round: number; readonly step: StepValue };
