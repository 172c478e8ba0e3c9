/**
 * The application as consensus sees it: the calls of specs/state.md APP-2…APP-5 and what a proposer and a syncing
 * node read, in consensus's own terms. Declared where it is consumed, as CometBFT's `proxy/app_conn.go` gives each
 * consumer its own connection; the state machine satisfies it structurally, so consensus never imports state
 * (docs/architecture.md, Packages and their layers).
 */

import type { Account, Block, DuplicateVoteEvidence, Genesis, Params } from '@babychain/codec';
import type { ValidatorInit } from './validators.ts';

export interface ConsensusAppInfo {
  /** the last committed height (0: the genesis state) */
  readonly height: bigint;
  /** the hash of the block at that height (empty at height 0) */
  readonly lastBlockHash: Uint8Array;
}

/** CONS-13: what a piece of evidence proves: the offender's consensus key and the height it equivocated at. */
export interface Offence {
  readonly publicKey: Uint8Array;
  readonly height: bigint;
}

/**
 * APP-2's request: the proposer's height, time and address, the mempool's candidates in its order, and the evidence
 * that passed CONS-13 with the offence of each.
 */
export interface ProposalRequest {
  readonly height: bigint;
  readonly timeMs: bigint;
  readonly proposerAddress: Uint8Array;
  readonly candidates: readonly Uint8Array[];
  readonly evidence: readonly { readonly evidence: DuplicateVoteEvidence; readonly offence: Offence }[];
}

/**
 * APP-2's answer: the transactions and the evidence chosen, in block order, with the roots the header commits to
 * (BLK-6, BLK-7; BLK-11's evidence hash is over `evidence`).
 */
export interface PreparedProposal {
  readonly txs: Uint8Array[];
  readonly evidence: DuplicateVoteEvidence[];
  readonly txRoot: Uint8Array;
  readonly appHash: Uint8Array;
}

/** APP-5's answer: the new head, and every account the block changed (hex address → account). */
export interface AppCommit {
  readonly height: bigint;
  readonly appHash: Uint8Array;
  readonly changes: ReadonlyMap<string, Account>;
}

/**
 * VAL-3: the sets the committed state puts in force, with H its height: `last` signed H, `current` signs H + 1 and
 * `next` signs H + 2 (in any order: consensus sorts them, CONS-2).
 */
export interface ConsensusValidatorSets {
  readonly last: readonly ValidatorInit[];
  readonly current: readonly ValidatorInit[];
  readonly next: readonly ValidatorInit[];
}

export interface ConsensusApp {
  readonly genesis: Genesis;
  /** VAL-3, from the committed state */
  validatorSets(): ConsensusValidatorSets;
  /** the chain parameters in force (block limits) */
  readonly params: Params;
  info(): ConsensusAppInfo;
  /** UPG-3: the header version a block at `height` carries */
  headerVersion(height: bigint): number;
  /** a committed block, for block sync and catch-up; undefined above the head */
  blockByHeight(height: bigint): Promise<Block | undefined>;
  /** APP-2 */
  prepareProposal(request: ProposalRequest): Promise<PreparedProposal>;
  /** APP-3: resolves when the block is valid, rejects with the rule that failed; `offences` of its evidence, in order */
  processProposal(block: Block, offences: readonly Offence[]): Promise<unknown>;
  /** APP-4 */
  finalizeBlock(block: Block, offences: readonly Offence[]): Promise<unknown>;
  /** APP-5 */
  commit(): Promise<AppCommit>;
}
