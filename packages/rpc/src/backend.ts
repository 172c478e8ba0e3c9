/**
 * What the RPC server needs from a node: answers shaped as api's result schemas, in their JSON form (uint64 values
 * as decimal strings, bytes as hex; specs/rpc.md RPC-1), so that a backend answering another shape fails the
 * typecheck. Refusals are thrown as BabyErrors with the code of the rule that failed; the server maps them (RPC-13,
 * RPC-14).
 */

import type {
  AccountResult,
  AccountTxsResult,
  BlockResult,
  BlockSummary,
  CheckTxResult,
  Json,
  MempoolResult,
  StatusResult,
  SubmitTxSyncResult,
  TxResult,
  UpgradeResult,
  ValidatorSigningResult,
  ValidatorsResult,
} from '@babychain/api';
import type { Logger } from '@babychain/util';

/** One committed block as the websocket and the commit waiter see it: its summary plus its transaction ids. */
export interface BlockEvent {
  /** the `blocks` summary */
  readonly summary: Json<typeof BlockSummary>;
  /** TX-4 ids (hex), in block order */
  readonly txIds: readonly string[];
}

/** A transaction only in the mempool: `tx` answers it RPC_NOT_FOUND with `pending` (RPC-5). */
export interface PendingTx {
  readonly id: string;
  readonly pending: true;
}

/** Why the mempool let a transaction go other than in a block (RPC-5). */
export interface DroppedTx {
  readonly reason: string;
  readonly code: string;
  readonly message: string;
}

export interface RpcBackend {
  status(): Promise<Json<typeof StatusResult>>;
  /** summaries of the committed blocks in [from, to] (those above the tip are left out) */
  blocks(from: bigint, to: bigint): Promise<readonly Json<typeof BlockSummary>[]>;
  /** a committed block in full, or undefined */
  block(height: bigint | 'latest'): Promise<Json<typeof BlockResult> | undefined>;
  blockByHash(hashHex: string): Promise<Json<typeof BlockResult> | undefined>;
  /** a committed transaction, a pending one only in the mempool, or undefined */
  tx(idHex: string): Promise<Json<typeof TxResult> | PendingTx | undefined>;
  /** why the mempool let this transaction go other than in a block (RPC-5), if it did; an in-memory lookup */
  dropped(idHex: string): DroppedTx | undefined;
  /** mempool admission; throws the rule's BabyError */
  submitTx(bytes: Uint8Array): Json<typeof SubmitTxSyncResult>;
  /**
   * Verifies the signatures of transactions about to be submitted, off the main thread, so that `submitTx` finds the
   * verdicts ready; optional (without it `submitTx` verifies). Never throws for a bad transaction.
   */
  precheckTxs?: (txs: readonly Uint8Array[]) => Promise<void>;
  /** APP-1 against the committed state without admitting; throws the rule's BabyError */
  checkTx(bytes: Uint8Array): Promise<Json<typeof CheckTxResult>>;
  /** throws CRYPTO_/ADDR_ errors for a malformed address */
  account(address: string): Promise<Json<typeof AccountResult>>;
  /**
   * RPC-16: up to `limit` of the account's committed transactions, newest first, below the position `before`
   * (exclusive) when given; throws CRYPTO_/ADDR_ errors for a malformed address
   */
  accountTxs(
    address: string,
    limit: number,
    before?: { readonly height: bigint; readonly index: number },
  ): Promise<Omit<Json<typeof AccountTxsResult>, 'next'>>;
  /** RPC-17: who signed, missed and proposed the last `blocks` committed heights */
  validatorSigning(blocks: number): Promise<Json<typeof ValidatorSigningResult>>;
  /**
   * VAL-3: the set that signs `height` (default: the height being decided); undefined above that height, at 0, or for a
   * height whose set this node never recorded
   */
  validators(height?: bigint): Promise<Json<typeof ValidatorsResult> | undefined>;
  /** the governance record in force */
  upgrade(): Promise<Json<typeof UpgradeResult>>;
  mempool(): Json<typeof MempoolResult>;
  /**
   * calls `listener` once per committed block, in height order, until the returned function is called; the mempool
   * has taken the block into account by then (`dropped` answers what its recheck let go)
   */
  subscribeBlocks(listener: (block: BlockEvent) => void): () => void;
  /** Prometheus exposition text */
  metrics(): Promise<string>;
  /** devnet partitions; absent unless the node allows it */
  setDenylist?: (peerIds: readonly string[]) => void;
}

/** The two levels the server logs at, of util's one Logger (docs/architecture.md, Conventions). */
export type RpcLogger = Pick<Logger, 'debug' | 'warn'>;
