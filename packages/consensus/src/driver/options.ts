import type { DurationWindow, Logger } from '@babychain/util';
import type { ConsensusApp } from '../app.ts';
import type { DoubleSignGuard } from '../guard.ts';
import type { TimeoutParams } from '../types.ts';
import { Step } from '../types.ts';
import type { Wal } from '../wal.ts';
import type { Clock } from './clock.ts';
import type { BlockLimits, CommittedBlock } from './executor.ts';
import type { ConsensusNetwork } from './network.ts';
import type { ConsensusStore } from './store.ts';

/** This node's validator key; whether it signs a height, and at which index, is that height's set's (VAL-3). */
export interface SelfValidator {
  readonly publicKey: Uint8Array;
  readonly address: Uint8Array;
  readonly guard: DoubleSignGuard;
}

/** A scheduled upgrade this node stopped for (UPG-4). */
export interface UpgradeHalt {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
}

export interface DriverOptions {
  readonly chainId: string;
  readonly self?: SelfValidator;
  /** the state machine, through consensus's own connection to it */
  readonly app: ConsensusApp;
  readonly store: ConsensusStore;
  readonly wal: Wal;
  readonly network: ConsensusNetwork;
  readonly timeouts: TimeoutParams;
  readonly commitWaitMs: number;
  readonly clock?: Clock;
  readonly logger: Logger;
  /** transactions for a new block, in mempool order */
  readonly reap: (limits: BlockLimits) => Uint8Array[];
  /** after each committed block (mempool update, metrics) */
  readonly onCommitted: (committed: CommittedBlock) => void;
  /**
   * UPG-4: the upgrade this software cannot run that is due at `height`, if any. The driver neither executes,
   * proposes nor votes at that height: it calls `onUpgradeHalt` once and stops.
   */
  readonly upgradeDue?: (height: bigint) => UpgradeHalt | undefined;
  readonly onUpgradeHalt?: (halt: UpgradeHalt) => void;
}

export interface DriverStatus {
  /** last committed height */
  readonly height: bigint;
  readonly round: number;
  readonly step: 'propose' | 'prevote' | 'precommit' | 'commit' | 'sync';
  readonly syncing: boolean;
  readonly evidence: number;
  readonly blockTimeMs: ReturnType<DurationWindow['summary']>;
  readonly finalityMs: ReturnType<DurationWindow['summary']>;
}

export const STEP_NAMES: Record<number, DriverStatus['step']> = {
  [Step.PROPOSE]: 'propose',
  [Step.PREVOTE]: 'prevote',
  [Step.PRECOMMIT]: 'precommit',
  [Step.COMMIT]: 'commit',
};
