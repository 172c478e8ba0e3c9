/**
 * The records consensus keeps beside the state machine (CONS-12, CONS-9), declared where they are consumed: the node
 * keeps them in its chain store, the simulator in a temp dir.
 */
import type { CertifiedBlock, Commit, DuplicateVoteEvidence } from '@babychain/codec';
import type { ValidatorInit } from '../validators.ts';

export interface ConsensusStore {
  /** CONS-12: stores a decided block with its commit, durably, before the state machine commits it */
  saveDecided(certified: CertifiedBlock): Promise<void>;
  /** the last block stored by saveDecided */
  decided(): Promise<CertifiedBlock | undefined>;
  /** the commit that certifies the block at `height` (CONS-8) */
  commit(height: bigint): Promise<Commit | undefined>;
  /** CONS-9: stores evidence once per (height, round, type, validator); says how many are stored in all */
  addEvidence(height: bigint, evidence: DuplicateVoteEvidence): Promise<number>;
  /** the evidence stored, of heights from `fromHeight` on (all when absent), oldest height first */
  evidence(fromHeight?: bigint): Promise<DuplicateVoteEvidence[]>;
  /** CONS-13: forgets evidence of heights below `belowHeight`, which no block can carry any more; says how many are left */
  pruneEvidence(belowHeight: bigint): Promise<number>;
  /** VAL-3: records a set in force by its CONS-2 hash, durably (idempotent), so old heights' sets can be read back */
  saveValidatorSet(hash: Uint8Array, validators: readonly ValidatorInit[]): Promise<void>;
  validatorSet(hash: Uint8Array): Promise<ValidatorInit[] | undefined>;
}
