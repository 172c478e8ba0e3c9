// @babychain/mempool: public surface (README.md). Everything else in src/ is internal.
export type { MempoolApp } from './app.ts';
export { type BatchTimer, GOSSIP_BATCH_DEFAULTS, GossipBatcher, type GossipBatcherOptions } from './batcher.ts';
export { MempoolErrorCode, type MempoolErrorCodeValue } from './errors.ts';
export { MEMPOOL_DEFAULTS, type MempoolOptions } from './options.ts';
export { Mempool } from './pool.ts';
export type {
  Account,
  AccountView,
  AddResult,
  AdmittedTx,
  BatchEntryResult,
  DroppedTx,
  MempoolStats,
  ReapLimits,
  RemovalReason,
  RemovedTx,
  TxOrigin,
  TxStatus,
  UpdateResult,
} from './types.ts';
