/**
 * The records consensus keeps beside the state machine (CONS-12, CONS-9), declared where they are consumed: the node
 * keeps them in its chain store, the simulator in a temp dir.
 */
import type { CertifiedBlock, Commit, DuplicateVoteEvidence } from '@babychain/codec';

export interface ConsensusStore {
  /** CONS-12: stores a decided block with its commit, durably, before the state machine commits it */
  saveDecided(certified: CertifiedBlock): Promise<void>;
  /** the last block stored by saveDecided */
  decided(): Promise<CertifiedBlock | undefined>;
  /** the commit that certifies the block at `height` (CONS-8) */
  commit(height: bigint): Promise<Commit | undefined>;
  /** CONS-9: stores evidence once per (height, round, type, validator); says how many are stored in all */
  addEvidence(height: bigint, evidence: DuplicateVoteEvidence): Promise<number>;
  evidence(): Promise<DuplicateVoteEvidence[]>;
}
