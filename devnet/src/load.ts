/**
 * An open-loop load generator of signed transfers: many pre-funded accounts (deterministic seeds, funded in the devnet
 * genesis through `Devnet.create({ accounts })`), transactions signed before the run, sent on a fixed schedule through
 * the client SDK (`BabyClient.submit`, sync mode) whatever the nodes answer, with a bound on the requests in flight.
 * Finality is observed from one node's block notifications (`subscribeBlocks`: the websocket, RPC-9), each with the
 * block's tx ids.
 *
 * Used by `pnpm bench` (bench.ts) and meant for the sustained-load scenario (fault F9 of docs/architecture.md).
 */
import { createHash } from 'node:crypto';
import type { BabyClient } from '@babychain/client';
import { signedTransfer, txIdHex } from '@babychain/client';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { sleep } from './wait.ts';

export interface LoadAccount {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly addressBytes: Uint8Array;
  readonly address: string;
}

/** Account i of the load accounts: seed = sha256("babychain-load/" + i). The same on every run. */
export function loadAccount(i: number, prefix = 'baby'): LoadAccount {
  const seed = new Uint8Array(createHash('sha256').update(`babychain-load/${i}`).digest());
  const publicKey = publicKeyFromSeed(seed);
  const addressBytes = addressFromPublicKey(publicKey);
  return { seed, publicKey, addressBytes, address: encodeAddress(addressBytes, prefix) };
}

/** Load accounts `offset` to `offset + count - 1`. */
export function loadAccounts(count: number, offset = 0, prefix = 'baby'): LoadAccount[] {
  return Array.from({ length: count }, (_, k) => loadAccount(offset + k, prefix));
}

/** The send times (ms after the start) of an open-loop run: `floor(rate × duration)` sends, evenly spaced. */
export function schedule(ratePerS: number, durationS: number): number[] {
  if (!(ratePerS > 0) || !(durationS > 0)) return [];
  const n = Math.floor(ratePerS * durationS);
  return Array.from({ length: n }, (_, i) => (i * 1000) / ratePerS);
}

/** Nearest-rank percentile (p in 0..100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    maxMs: sorted.length === 0 ? Number.NaN : (sorted.at(-1) as number),
  };
}

/**
 * Steady commit rate from committed blocks: the transactions of the blocks after the first one holding load, up to
 * the last one holding load, over the time between the two (header times). 0 with fewer than two such blocks.
 */
export function commitRate(blocks: readonly { readonly timeMs: number; readonly loadTxs: number }[]): number {
  const loaded = blocks.filter((b) => b.loadTxs > 0);
  if (loaded.length < 2) return 0;
  const first = loaded[0] as (typeof loaded)[number];
  const last = loaded.at(-1) as (typeof loaded)[number];
  const span = (last.timeMs - first.timeMs) / 1000;
  if (span <= 0) return 0;
  return loaded.slice(1).reduce((a, b) => a + b.loadTxs, 0) / span;
}

export interface PreparedTx {
  readonly bytes: Uint8Array;
  readonly id: string;
  /** index of the sender in the accounts */
  readonly sender: number;
  readonly nonce: bigint;
  /** ms after the start */
  readonly atMs: number;
}

export interface PrepareOptions {
  readonly chainId: string;
  readonly accounts: readonly LoadAccount[];
  readonly ratePerS: number;
  readonly durationS: number;
  /** each sender's next nonce (its committed nonce); default 0 */
  readonly startNonces?: readonly bigint[];
  readonly amount?: bigint;
  readonly fee?: bigint;
}

/**
 * Signs the whole run in advance: send i is from sender i mod accounts (round robin, so each sender's nonces go out in
 * order and evenly spaced) to the next account.
 */
export function prepareTransfers(options: PrepareOptions): PreparedTx[] {
  const { accounts } = options;
  const n = accounts.length;
  if (n < 2) throw new Error('the load needs at least 2 accounts');
  const nonces = accounts.map((_, k) => options.startNonces?.[k] ?? 0n);
  return schedule(options.ratePerS, options.durationS).map((atMs, i) => {
    const sender = i % n;
    const from = accounts[sender] as LoadAccount;
    const nonce = nonces[sender] as bigint;
    nonces[sender] = nonce + 1n;
    const bytes = signedTransfer({
      chainId: options.chainId,
      seed: from.seed,
      publicKey: from.publicKey,
      to: (accounts[(sender + 1) % n] as LoadAccount).addressBytes,
      amount: options.amount ?? 1n,
      fee: options.fee ?? 500n,
      nonce,
    });
    return { bytes, id: txIdHex(bytes), sender, nonce, atMs };
  });
}

/** A transfer on an open-loop schedule: when it is due, its id as blocks report it, and whose nonce chain it is in. */
export interface ScheduledTx {
  /** ms after the start */
  readonly atMs: number;
  readonly id: string;
  /** index of the sender in the accounts */
  readonly sender: number;
}

/** A committed block as a load target reports it: when (by the target's choice of clock) and the ids it holds. */
export interface CommittedIds {
  readonly timeMs: number;
  readonly txIds: readonly string[];
}

export interface BlockWatch {
  close(): Promise<void>;
  /** what stopped the watch, if anything did */
  readonly error: Error | undefined;
}

/** What an open-loop run needs from a chain: where requests go, how one is sent, and which blocks commit. */
export interface LoadTarget<T extends ScheduledTx> {
  /** sender k's transfers always go to lane `k mod lanes` (one endpoint each), so its nonces arrive in order */
  readonly lanes: number;
  /** one request with `batch` (all of one lane): per transfer, undefined when accepted or why it was refused */
  send(lane: number, batch: readonly T[]): Promise<readonly (string | undefined)[]>;
  /** reports every block committed from now on; resolves once it is watching */
  watch(onBlock: (block: CommittedIds) => void): Promise<BlockWatch>;
}

export interface OpenLoopOptions {
  /** requests in flight at most; a due send waits for a free slot (counted as late). Default 512. */
  readonly maxInFlight?: number;
  /** after the last send, how long to wait for the accepted transactions to be finalized. Default 10 000. */
  readonly drainMs?: number;
  /** a send is late when it leaves more than this after its scheduled time. Default 50. */
  readonly lateMs?: number;
  /** Transactions per request, at most. Default 1. */
  readonly batchSize?: number;
  /**
   * With batches: how long a due transaction may wait for its batch to fill before the batch is sent anyway, as a
   * client-side batcher would. Latency counts from when the transaction was due, so this wait is in it. Default 10.
   */
  readonly batchDelayMs?: number;
}

export interface RunOptions extends OpenLoopOptions {
  readonly txs: readonly PreparedTx[];
  /** one client per node: sender k always submits to `clients[k mod clients.length]` (its nonces arrive in order) */
  readonly clients: readonly BabyClient[];
  /** the node whose committed blocks are read */
  readonly watch: BabyClient;
  /**
   * Transactions per request: 1 submits each with `submit_tx` (sync); more sends the transactions due at once to a
   * node as `submit_txs` batches of at most this many (RPC-7). Default 1.
   */
  readonly batchSize?: number;
}

export interface LoadResult {
  readonly offeredTps: number;
  readonly durationS: number;
  readonly submitted: number;
  readonly accepted: number;
  readonly rejected: Readonly<Record<string, number>>;
  /** sends not made because an earlier transaction of the same sender was refused (its nonce chain is broken) */
  readonly skipped: number;
  /** sends that left more than `lateMs` after their scheduled time (the generator or the node fell behind) */
  readonly late: number;
  readonly maxLagMs: number;
  readonly finalized: number;
  /** the steady commit rate of the load (see `commitRate`) */
  readonly finalizedTps: number;
  /** transactions finalized before the end of the schedule, over the schedule's duration */
  readonly finalizedInWindowTps: number;
  /** due (taken off the schedule) to the first notification of the block holding it */
  readonly latency: LatencySummary;
  /** submit request round trip */
  readonly submitRtt: LatencySummary;
  readonly blocks: number;
  readonly meanBlockTimeMs: number;
  readonly maxBlockTxs: number;
  /** wall time from the first send to the end of the drain */
  readonly wallS: number;
}

/** Runs prepared transactions open-loop through the client SDK and watches them reach finality on `watch`. */
export function runLoad(options: RunOptions): Promise<LoadResult> {
  const { clients } = options;
  const single = (options.batchSize ?? 1) === 1;
  return runOpenLoop(
    options.txs,
    {
      lanes: clients.length,
      async send(lane, batch) {
        const client = clients[lane] as BabyClient;
        if (single) {
          await client.submit((batch[0] as PreparedTx).bytes, 'sync');
          return [undefined];
        }
        const entries = await client.submitBatch(batch.map((tx) => tx.bytes));
        return entries.map((entry) => ('error' in entry ? entry.error.code : undefined));
      },
      async watch(onBlock) {
        let error: Error | undefined;
        const subscription = options.watch.subscribeBlocks(
          (block) => onBlock({ timeMs: Number(block.timeMs), txIds: block.txIds }),
          {
            onError: (err) => {
              error = err;
            },
          },
        );
        await subscription.ready;
        return {
          close: async () => subscription.close(),
          get error() {
            return error;
          },
        };
      },
    },
    options,
  );
}

/**
 * The open loop itself, for any chain: sends each transaction when it is due whatever the target answered before,
 * batching per lane, skips the later transactions of a sender once one was refused, and times each from when it
 * was due to the first report of the block holding it. A request that throws refuses its whole batch with the
 * error's `code` (`ERROR` without one).
 */
export async function runOpenLoop<T extends ScheduledTx>(
  txs: readonly T[],
  target: LoadTarget<T>,
  options: OpenLoopOptions = {},
): Promise<LoadResult> {
  const maxInFlight = options.maxInFlight ?? 512;
  const drainMs = options.drainMs ?? 10_000;
  const lateMs = options.lateMs ?? 50;
  const batchSize = options.batchSize ?? 1;
  const batchDelayMs = batchSize === 1 ? 0 : (options.batchDelayMs ?? 10);
  const durationS = txs.length === 0 ? 0 : ((txs.at(-1) as T).atMs + 1) / 1000;
  const offeredTps = txs.length === 0 ? 0 : txs.length / Math.max(durationS, 1e-3);

  const submittedAt = new Map<string, number>();
  const pending = new Set<string>();
  const finalizedAt = new Map<string, number>();
  const rejected: Record<string, number> = {};
  const broken = new Set<number>();
  const rtts: number[] = [];
  let submitted = 0;
  let accepted = 0;
  let skipped = 0;
  let late = 0;
  let maxLag = 0;
  let inFlight = 0;

  // --- the finality watcher --------------------------------------------------------------------------------------
  const blockLog: { timeMs: number; txs: number; loadTxs: number }[] = [];
  const watch = await target.watch((block) => {
    const now = performance.now();
    let loadTxs = 0;
    for (const id of block.txIds) {
      if (submittedAt.has(id) && !finalizedAt.has(id)) {
        finalizedAt.set(id, now);
        pending.delete(id);
        loadTxs++;
      }
    }
    blockLog.push({ timeMs: block.timeMs, txs: block.txIds.length, loadTxs });
  });

  // --- the open-loop sender --------------------------------------------------------------------------------------
  const refused = (tx: T, code: string): void => {
    rejected[code] = (rejected[code] ?? 0) + 1;
    broken.add(tx.sender);
    if (!finalizedAt.has(tx.id)) {
      pending.delete(tx.id);
      submittedAt.delete(tx.id);
    }
  };
  const send = async (lane: number, batch: readonly T[]): Promise<void> => {
    const t = performance.now();
    submitted += batch.length;
    try {
      const answers = await target.send(lane, batch);
      batch.forEach((tx, k) => {
        const code = answers[k];
        if (code === undefined) accepted++;
        else refused(tx, code);
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      for (const tx of batch) refused(tx, code);
    } finally {
      rtts.push(performance.now() - t);
      inFlight--;
    }
  };

  const start = performance.now();
  const sends: Promise<void>[] = [];
  /** per lane, the due transactions not sent yet and when the oldest became due */
  const due = new Map<number, { txs: T[]; sinceMs: number }>();
  const flush = (lane: number): void => {
    const batch = due.get(lane);
    if (batch === undefined) return;
    due.delete(lane);
    inFlight++;
    sends.push(send(lane, batch.txs));
  };
  let i = 0;
  while (i < txs.length || due.size > 0) {
    const now = performance.now() - start;
    while (i < txs.length && (txs[i] as T).atMs <= now && inFlight < maxInFlight) {
      const tx = txs[i++] as T;
      if (broken.has(tx.sender)) {
        skipped++;
        continue;
      }
      const lag = now - tx.atMs;
      if (lag > lateMs) late++;
      if (lag > maxLag) maxLag = lag;
      submittedAt.set(tx.id, start + now);
      pending.add(tx.id);
      const lane = tx.sender % target.lanes;
      const batch = due.get(lane) ?? { txs: [], sinceMs: now };
      batch.txs.push(tx);
      due.set(lane, batch);
      if (batch.txs.length === batchSize) flush(lane);
    }
    for (const [lane, batch] of [...due]) {
      if (i >= txs.length || now - batch.sinceMs >= batchDelayMs) flush(lane);
    }
    const nextMs = i < txs.length ? (txs[i] as T).atMs - (performance.now() - start) : 0;
    // yield to the I/O callbacks; never sleep past the next scheduled send by more than a timer tick
    await sleep(Math.max(1, Math.min(5, nextMs)));
  }
  const windowEnd = start + durationS * 1000;
  await Promise.all(sends);
  const drainDeadline = performance.now() + drainMs;
  while (pending.size > 0 && performance.now() < drainDeadline && watch.error === undefined) await sleep(50);
  await watch.close();
  if (watch.error !== undefined) throw watch.error;
  const end = performance.now();

  const latencies: number[] = [];
  let inWindow = 0;
  for (const [id, at] of finalizedAt) {
    latencies.push(at - (submittedAt.get(id) as number));
    if (at <= windowEnd) inWindow++;
  }
  const heights = blockLog.length;
  const first = blockLog[0];
  const last = blockLog.at(-1);
  return {
    offeredTps,
    durationS,
    submitted,
    accepted,
    rejected,
    skipped,
    late,
    maxLagMs: maxLag,
    finalized: finalizedAt.size,
    finalizedTps: commitRate(blockLog),
    finalizedInWindowTps: durationS > 0 ? inWindow / durationS : 0,
    latency: summarizeLatencies(latencies),
    submitRtt: summarizeLatencies(rtts),
    blocks: heights,
    meanBlockTimeMs:
      first !== undefined && last !== undefined && heights > 1 ? (last.timeMs - first.timeMs) / (heights - 1) : 0,
    maxBlockTxs: Math.max(0, ...blockLog.map((b) => b.txs)),
    wallS: (end - start) / 1000,
  };
}
