/** What the App counts and times, for metrics and benchmarks. */

/** Cumulative counters; `*Ms` are wall-clock milliseconds spent in each phase of execution and commit. */
export interface AppMetrics {
  /** executions of a block or proposal (prepareProposal, processProposal, finalizeBlock without a cached result) */
  blocksExecuted: number;
  txsExecuted: number;
  blocksCommitted: number;
  /** transactions whose stateless check (signatures included) was skipped because this node had done it */
  checkedCacheHits: number;
  /** TX-1..TX-12: decoding and signature verification */
  precheckMs: number;
  /** reading the touched accounts (one getMany per block) */
  accountsMs: number;
  /** STATE-3..STATE-7 on the in-memory view */
  executeMs: number;
  /** the state root update (StateTree.computeUpdate) */
  rootMs: number;
  /** the block's one batch write, then the tree commit */
  commitMs: number;
}

export type TimedPhase = 'precheckMs' | 'accountsMs' | 'executeMs' | 'rootMs' | 'commitMs';

export function lap(metrics: AppMetrics, phase: TimedPhase, since: number): number {
  const now = performance.now();
  metrics[phase] += now - since;
  return now;
}

export function emptyAppMetrics(): AppMetrics {
  return {
    blocksExecuted: 0,
    txsExecuted: 0,
    blocksCommitted: 0,
    checkedCacheHits: 0,
    precheckMs: 0,
    accountsMs: 0,
    executeMs: 0,
    rootMs: 0,
    commitMs: 0,
  };
}
