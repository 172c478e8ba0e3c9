/** The shapes of the App's calls (specs/state.md APP-1…APP-5) and queries, declared apart from the class. */
import type { Account, Block, DuplicateVoteEvidence, Genesis, Header, StateProof, Tx } from '@babychain/codec';
import type { SignatureVerifier } from '@babychain/crypto';
import type { Execution, TxResult } from './execute.ts';
import type { Governance, Offence } from './governance.ts';
import type { ChainRules } from './rules.ts';
import type { CheckedTx } from './stateless.ts';
import type { KvDb, StoredTx } from './store.ts';
import type { TreeUpdate } from './tree/index.ts';

export interface AppOptions {
  /** a LevelDB directory (created if missing), or a database opened with `view` key and value encodings */
  readonly db: string | KvDb;
  /** required to initialise an empty store; when given for an initialised one, its hash must match the stored one */
  readonly genesis?: Genesis;
  /** fsync each block's batch (default true) */
  readonly sync?: boolean;
  /** tree nodes kept in memory (StateTree default when absent) */
  readonly treeCacheSize?: number;
  /**
   * Statelessly checked transactions remembered by id (TX-4), so that a block holding transactions this node
   * already checked (checkTx, a proposal) does not verify their signatures again: at least the last this many,
   * at most twice as many. Default 20 000.
   */
  readonly checkedCacheSize?: number;
  /**
   * Executes governance actions and upgrades (specs/governance.md). Without it every action but a transfer is
   * TX_UNSUPPORTED_ACTION, params are the genesis's and every header version is 0.
   */
  readonly governance?: Governance;
  /**
   * The rules of each app version (UPG-3); `rulesFor` by default. A release changes `rulesFor` itself; tests inject
   * a table to exercise rules that change with the version.
   */
  readonly rules?: (appVersion: number) => ChainRules;
  /**
   * Verifies signatures for `precheckTxs`, off the main thread when it is a VerifyPool. Without it `precheckTxs`
   * does nothing and admission verifies on the calling thread.
   */
  readonly signatureVerifier?: SignatureVerifier;
}

export interface AppInfo {
  /** the last committed height (0: the genesis state) */
  readonly height: bigint;
  /** the state root at that height */
  readonly appHash: Uint8Array;
  /** the hash of the block at that height (empty at height 0) */
  readonly lastBlockHash: Uint8Array;
  readonly genesisHash: Uint8Array;
}

/** APP-1: what a mempool needs to know about an admitted transaction. */
export interface CheckTxResult {
  readonly tx: Tx;
  /** TX-4 */
  readonly id: Uint8Array;
  readonly sender: Uint8Array;
  /** a transfer's `to`; the sender itself for a governance action */
  readonly recipient: Uint8Array;
  readonly nonce: bigint;
  readonly fee: bigint;
  /** what leaves the sender besides the fee: a transfer's amount, a proposal's deposit, else 0 */
  readonly amount: bigint;
  /** the sender's committed nonce: `nonce > accountNonce` is a gap the mempool may hold */
  readonly accountNonce: bigint;
  /** encoded size in bytes */
  readonly size: number;
}

export interface PrepareProposalRequest {
  readonly height: bigint;
  readonly timeMs: bigint;
  readonly proposerAddress: Uint8Array;
  /** candidate transaction encodings in mempool order */
  readonly candidates: readonly Uint8Array[];
  /** CONS-13: the evidence consensus would include, each with its offence; absent: none */
  readonly evidence?: readonly ResolvedEvidence[];
}

/** A piece of evidence that passed consensus's checks (CONS-13), with the offence it proves (VAL-9). */
export interface ResolvedEvidence {
  readonly evidence: DuplicateVoteEvidence;
  readonly offence: Offence;
}

export interface SkippedCandidate {
  /** position in `candidates` */
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export interface PrepareProposalResult {
  /** the chosen transactions, in block order */
  readonly txs: Uint8Array[];
  /** BLK-6 */
  readonly txRoot: Uint8Array;
  /** BLK-7: the state root after these transactions and the fees */
  readonly appHash: Uint8Array;
  /** the evidence kept (VAL-9), in block order; the header's evidence_hash is over it (BLK-11) */
  readonly evidence: DuplicateVoteEvidence[];
  /** candidates left out because they failed (those after the block limits are neither chosen nor listed) */
  readonly skipped: readonly SkippedCandidate[];
}

/** APP-3 and APP-4: the state root a block produces and what each of its transactions did. */
export interface BlockResult {
  readonly appHash: Uint8Array;
  readonly fees: bigint;
  /** one per transaction, `index` = position in the block */
  readonly txResults: readonly TxResult[];
}

/** APP-5's answer: the new head, and every account the block changed (for in-memory views such as a mempool's). */
export interface CommitResult {
  readonly height: bigint;
  readonly appHash: Uint8Array;
  /** hex address -> the account after the block */
  readonly changes: ReadonlyMap<string, Account>;
}

export interface AccountQuery {
  /** also return a StateProof (STATE-11) against `appHash` */
  readonly prove?: boolean;
}

export interface AccountQueryResult {
  readonly address: Uint8Array;
  /** null when the address has never been credited (STATE-1: balance 0, nonce 0, not stored) */
  readonly account: Account | null;
  /** the committed height the answer is from, and its state root */
  readonly height: bigint;
  readonly appHash: Uint8Array;
  readonly proof?: StateProof;
}

/** A committed transaction by id (TX-4), with where it is. */
export type TxQueryResult = StoredTx;

/** An executed block's transactions, outcome and tree update, valid until the next commit. */
export interface Executed {
  readonly txs: readonly CheckedTx[];
  readonly execution: Execution;
  readonly results: readonly TxResult[];
  readonly update: TreeUpdate;
  /** the governance record after the block, when the block changed it */
  readonly record: Uint8Array | undefined;
}

export interface Pending {
  readonly block: Block;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly executed: Executed;
}
