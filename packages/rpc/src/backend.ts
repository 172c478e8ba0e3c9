/** What the RPC server needs from a node: plain JSON-ready answers (heights and amounts as decimal strings). */
export type JsonObject = { readonly [key: string]: unknown };

export interface RpcBackend {
  status(): JsonObject;
  /** summaries of the committed blocks in [from, to] */
  blocks(from: bigint, to: bigint): Promise<readonly JsonObject[]>;
  block(height: bigint): Promise<JsonObject | undefined>;
  /** a committed transaction's place, a pending one's `{ pending: true }`, or undefined */
  tx(idHex: string): Promise<JsonObject | undefined>;
  /** mempool admission; throws the rule's BabyError */
  submitTx(bytes: Uint8Array): JsonObject;
  /** throws CRYPTO_/ADDR_ errors for a malformed address */
  account(address: string): Promise<JsonObject>;
  /** Prometheus exposition text */
  metrics(): Promise<string>;
  /** devnet partitions; absent unless the node allows it */
  setDenylist?: (peerIds: readonly string[]) => void;
}

export interface RpcLogger {
  debug(msg: string, ctx?: Record<string, unknown>, err?: unknown): void;
  warn(msg: string, ctx?: Record<string, unknown>, err?: unknown): void;
}
