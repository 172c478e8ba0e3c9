/**
 * What the RPC server needs from a node: plain JSON-ready answers (uint64 values as decimal strings, bytes as hex),
 * shaped as the result schemas of schemas.ts say (specs/rpc.md). Refusals are thrown as BabyErrors with the code of
 * the rule that failed; the server maps them (RPC-13, RPC-14).
 */
import type { Logger } from '@babychain/util';

export type JsonObject = { readonly [key: string]: unknown };

/** One committed block as the websocket and the commit waiter see it: its summary plus its transaction ids. */
export interface BlockEvent {
  /** the `blocks` summary: height, hash, appHash, timeMs, txs, proposer */
  readonly summary: JsonObject;
  /** TX-4 ids (hex), in block order */
  readonly txIds: readonly string[];
}

/** Why the mempool let a transaction go other than in a block (RPC-5). */
export interface DroppedTx {
  readonly reason: string;
  readonly code: string;
  readonly message: string;
}

export interface RpcBackend {
  status(): Promise<JsonObject>;
  /** summaries of the committed blocks in [from, to] (those above the tip are left out) */
  blocks(from: bigint, to: bigint): Promise<readonly JsonObject[]>;
  /** a committed block in full, or undefined */
  block(height: bigint | 'latest'): Promise<JsonObject | undefined>;
  blockByHash(hashHex: string): Promise<JsonObject | undefined>;
  /** a committed transaction, `{ id, pending: true }` for one only in the mempool, or undefined */
  tx(idHex: string): Promise<JsonObject | undefined>;
  /** why the mempool let this transaction go other than in a block (RPC-5), if it did; an in-memory lookup */
  dropped(idHex: string): DroppedTx | undefined;
  /** mempool admission (`{ id, status }`); throws the rule's BabyError */
  submitTx(bytes: Uint8Array): JsonObject;
  /**
   * Verifies the signatures of transactions about to be submitted, off the main thread, so that `submitTx` finds the
   * verdicts ready; optional (without it `submitTx` verifies). Never throws for a bad transaction.
   */
  precheckTxs?: (txs: readonly Uint8Array[]) => Promise<void>;
  /** APP-1 against the committed state without admitting; throws the rule's BabyError */
  checkTx(bytes: Uint8Array): Promise<JsonObject>;
  /** throws CRYPTO_/ADDR_ errors for a malformed address */
  account(address: string): Promise<JsonObject>;
  validators(): Promise<JsonObject>;
  /** the governance record in force (UpgradeResult) */
  upgrade(): Promise<JsonObject>;
  mempool(): JsonObject;
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
