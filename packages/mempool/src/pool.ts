import { BabyError, isBabyError, MAX_TX_BYTES } from '@babychain/codec';
import { type CheckedTx, checkTxBytes, committedRefusal, TxErrorCode } from '@babychain/state';
import { LruCache, toHex } from '@babychain/util';
import { type AdmissionLimits, admissionLimits, placeAgainstAccount } from './admission.ts';
import type { MempoolApp } from './app.ts';
import { MempoolErrorCode } from './errors.ts';
import { chooseVictims } from './eviction.ts';
import { smallFeeOf } from './fee.ts';
import { HeldTxs } from './held.ts';
import { sha256Hex } from './hex.ts';
import { type Limits, type MempoolOptions, resolveLimits } from './options.ts';
import { reapPending } from './reap.ts';
import type { PoolTx, SenderQueue } from './sender.ts';
import type {
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

interface RejectedTx {
  readonly code: string;
  readonly message: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

const REASONS: readonly RemovalReason[] = [
  'included',
  'stale_nonce',
  'fee_too_low',
  'insufficient_funds',
  'expired',
  'evicted',
  'replaced',
  'invalid',
];

/** The code a wallet sees for each way of leaving the pool but a block ('invalid' carries the rule's own). */
const DROP_CODES: Readonly<Record<DroppedTx['reason'], string>> = {
  stale_nonce: TxErrorCode.BAD_NONCE,
  fee_too_low: TxErrorCode.FEE_TOO_LOW,
  insufficient_funds: TxErrorCode.INSUFFICIENT_FUNDS,
  expired: MempoolErrorCode.EXPIRED,
  evicted: MempoolErrorCode.EVICTED,
  replaced: MempoolErrorCode.REPLACED,
  invalid: 'INTERNAL',
};

function removal(tx: PoolTx, reason: RemovalReason): RemovedTx {
  return { id: tx.idHex, sender: tx.sender.key, nonce: tx.nonce, reason };
}

/**
 * The transaction pool: admission (stateless + stateful checks), per-sender nonce order with gaps held as queued,
 * fee-rate priority for block building, replace-by-fee, count/byte/sender/peer limits with eviction, and recheck
 * against each newly committed state. Synchronous and single-threaded: every method leaves the pool consistent.
 */
export class Mempool {
  readonly #app: MempoolApp;
  readonly #limits: Limits;
  readonly #admission: AdmissionLimits;
  readonly #now: () => number;
  readonly #onAdmitted: ((tx: AdmittedTx) => void) | undefined;
  readonly #onInvalidFromPeer: ((peer: string, code: string) => void) | undefined;
  #view: AccountView;
  /** the view's minimum fee at the last update, to notice a change even when the view object is reused */
  #minFee: bigint;

  readonly #held = new HeldTxs();
  readonly #invalidByPeer = new Map<string, number>();
  readonly #committed: LruCache<string, true>;
  readonly #rejected: LruCache<string, RejectedTx>;
  /** why recently held transactions left other than in a block, by hex id */
  readonly #dropped: LruCache<string, DroppedTx>;
  #seq = 0;
  #blocks = 0;

  constructor(options: MempoolOptions) {
    const chainId = options.chainId;
    this.#app = options.app ?? { checkTxStateless: (bytes) => checkTxBytes(bytes, chainId) };
    this.#view = options.view;
    this.#minFee = options.view.minFee;
    this.#limits = resolveLimits(options);
    this.#admission = admissionLimits(this.#limits);
    this.#now = options.now ?? Date.now;
    this.#onAdmitted = options.onAdmitted;
    this.#onInvalidFromPeer = options.onInvalidFromPeer;
    this.#dropped = new LruCache(2 * this.#limits.cacheSize);
    this.#committed = new LruCache(2 * this.#limits.cacheSize);
    this.#rejected = new LruCache(2 * this.#limits.cacheSize);
  }

  /** Transactions held, pending and queued. */
  get size(): number {
    return this.#held.byId.size;
  }

  /** Bytes held: the sum of the held transactions' encodings. */
  get bytes(): number {
    return this.#held.bytes;
  }

  /**
   * Admits one encoded transaction or throws a BabyError saying why not: the stateless rule's code (TX_, CODEC_,
   * CRYPTO_), a stateful one (TX_FEE_TOO_LOW, TX_BAD_NONCE, TX_INSUFFICIENT_FUNDS), or a MEMPOOL_ policy code.
   */
  add(bytes: Uint8Array, origin: TxOrigin = {}): AddResult {
    const peer = origin.peer;
    // Cheap refusals first: a hash costs about 1 µs, a signature check about 85 µs.
    const idHex = bytes.length <= MAX_TX_BYTES ? sha256Hex(bytes) : undefined;
    if (idHex !== undefined) {
      if (this.#held.byId.has(idHex)) throw duplicate(idHex);
      if (this.#committed.has(idHex)) {
        throw committedRefusal(idHex);
      }
      const known = this.#rejected.get(idHex);
      if (known !== undefined) {
        this.#reportInvalid(peer, known.code);
        throw new BabyError(known.code, known.message, { ...known.meta, cached: true });
      }
    }
    if (peer !== undefined) {
      const held = this.#held.peerHeld.get(peer) ?? 0;
      if (held >= this.#limits.maxPerPeer) {
        throw new BabyError(MempoolErrorCode.PEER_LIMIT, `peer ${peer} already has ${held} transactions held`, {
          peer,
          held,
          maxPerPeer: this.#limits.maxPerPeer,
        });
      }
    }
    let checked: CheckedTx;
    try {
      checked = this.#app.checkTxStateless(bytes);
    } catch (err) {
      if (isBabyError(err)) {
        // Stateless rules depend only on the bytes and the chain id: the same bytes always fail the same way.
        if (idHex !== undefined) this.#rejected.set(idHex, { code: err.code, message: err.message, meta: err.meta });
        this.#reportInvalid(peer, err.code);
      }
      throw err;
    }
    return this.#admit(checked, origin);
  }

  /**
   * The receive side of batched gossip: admits each transaction of a batch as sent by `peer` and says, per
   * transaction and in order, what happened. Never throws for a rejected transaction.
   */
  addBatch(batch: readonly Uint8Array[], peer?: string): BatchEntryResult[] {
    const origin: TxOrigin = peer === undefined ? {} : { peer };
    return batch.map((bytes): BatchEntryResult => {
      try {
        return { ok: true, ...this.add(bytes, origin) };
      } catch (err) {
        if (isBabyError(err)) return { ok: false, code: err.code, message: err.message };
        throw err;
      }
    });
  }

  /**
   * Pending transactions for a block, best fee rate first, each sender's in nonce order, ties by arrival. Stops at
   * `maxTxs`; a sender whose next transaction does not fit `maxBytes` contributes nothing further. Removes nothing:
   * `update` does, once a block is committed.
   */
  reap(limits: ReapLimits = {}): Uint8Array[] {
    return reapPending(this.#held.senders.values(), limits);
  }

  /**
   * Every held transaction, pending and queued, each sender's in nonce order: what a node keeps across a restart
   * (an upgrade halt included) so that an admitted transaction is not lost with the process.
   */
  snapshot(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const sq of this.#held.senders.values()) for (const tx of sq.txs) out.push(tx.bytes);
    return out;
  }

  /**
   * After each committed block: removes its transactions, rechecks the rest against the new committed state
   * (nonce passed, balance short, fee under a new minimum), promotes queued transactions whose gap closed, and
   * expires those queued for `queuedTtlBlocks` blocks. With `touched` (the addresses whose account the block
   * changed) only those senders are rechecked, unless the minimum fee changed.
   */
  update(
    committedTxIds: readonly Uint8Array[],
    view: AccountView,
    options: { readonly touched?: Iterable<Uint8Array> } = {},
  ): UpdateResult {
    const minFeeChanged = view.minFee !== this.#minFee;
    this.#view = view;
    this.#minFee = view.minFee;
    this.#blocks++;
    const removed: RemovedTx[] = [];
    const affected = new Set<SenderQueue>();
    for (const id of committedTxIds) {
      const idHex = toHex(id);
      this.#committed.set(idHex, true);
      const tx = this.#held.byId.get(idHex);
      if (tx === undefined) continue;
      affected.add(tx.sender);
      this.#held.detach(tx);
      removed.push(removal(tx, 'included'));
    }
    let recheck: Iterable<SenderQueue> = affected;
    if (options.touched === undefined || minFeeChanged) {
      recheck = [...this.#held.senders.values()];
    } else {
      for (const address of options.touched) {
        const sq = this.#held.senders.get(toHex(address));
        if (sq !== undefined) affected.add(sq);
      }
    }
    let promoted = 0;
    let demoted = 0;
    for (const sq of recheck) {
      if (sq.size === 0) continue;
      const moved = this.#reconcile(sq, view.account(sq.address), view.minFee, removed);
      promoted += moved.promoted;
      demoted += moved.demoted;
    }
    const moved = this.#recheckActions(view, removed);
    promoted += moved.promoted;
    demoted += moved.demoted;
    const ttl = this.#limits.queuedTtlBlocks;
    const expired = [...this.#held.queuedHeap.values()].filter((tx) => this.#blocks - tx.queuedSince >= ttl);
    expired.sort((a, b) => a.seq - b.seq);
    for (const tx of expired) {
      this.#drop(tx, 'expired', removed, `it waited ${ttl} blocks behind a nonce gap`);
    }
    const counts = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<RemovalReason, number>;
    for (const r of removed) counts[r.reason]++;
    return { removed, counts, promoted, demoted };
  }

  stats(): MempoolStats {
    const held = this.#held;
    let oldestBlock = this.#blocks;
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const tx of held.queuedHeap.values()) {
      if (tx.queuedSince < oldestBlock) oldestBlock = tx.queuedSince;
      if (tx.queuedSinceMs < oldestMs) oldestMs = tx.queuedSinceMs;
    }
    const counts = held.counts;
    return {
      ...counts,
      senders: held.senders.size,
      oldestQueuedBlocks: this.#blocks - oldestBlock,
      oldestQueuedMs: counts.queuedTxs === 0 ? 0 : Math.max(0, this.#now() - oldestMs),
      peers: held.peerHeld.size,
    };
  }

  /**
   * Why a transaction this pool held left it other than in a committed block (remembered for the last `cacheSize`
   * such at least), or undefined. Admitting the same bytes again forgets it.
   */
  dropped(id: Uint8Array | string): DroppedTx | undefined {
    return this.#dropped.get(typeof id === 'string' ? id : toHex(id));
  }

  has(id: Uint8Array | string): boolean {
    return this.#held.byId.has(typeof id === 'string' ? id : toHex(id));
  }

  /** The encoded transaction, if held. */
  get(id: Uint8Array | string): Uint8Array | undefined {
    return this.#held.byId.get(typeof id === 'string' ? id : toHex(id))?.bytes;
  }

  /** The nonce a wallet should use next: the committed nonce plus the sender's pending run. */
  nextNonce(address: Uint8Array): bigint {
    const committed = this.#view.account(address).nonce;
    const sq = this.#held.senders.get(toHex(address));
    if (sq === undefined) return committed;
    let next = committed;
    for (const tx of sq.txs) {
      if (tx.nonce < next) continue;
      if (tx.nonce !== next) break;
      next++;
    }
    return next;
  }

  /** How many statelessly-invalid transactions `peer` has sent since it was last forgotten. */
  invalidCount(peer: string): number {
    return this.#invalidByPeer.get(peer) ?? 0;
  }

  /** Drops the invalid counter of a disconnected peer (its held transactions stay attributed to it). */
  forgetPeer(peer: string): void {
    this.#invalidByPeer.delete(peer);
  }

  #admit(checked: CheckedTx, origin: TxOrigin): AddResult {
    const body = checked.tx.body;
    // checkTxBytes refused a transaction without a body (TX-5) before it got here
    if (body === undefined) throw new Error('mempool: a checked transaction has no body');
    const idHex = toHex(checked.id);
    if (this.#held.byId.has(idHex)) throw duplicate(idHex);
    const limits = this.#limits;
    const senderKey = toHex(checked.sender);
    const account = this.#view.account(checked.sender);
    const minFee = this.#view.minFee;
    const { nonce, fee } = body;

    const existing = this.#held.senders.get(senderKey);
    const { replaces, cost, pending } = placeAgainstAccount(body, account, minFee, existing, this.#admission);
    const action = body.action?.case === 'transfer' ? undefined : checked;
    // APP-1: an action the next block could not execute is never held (its rules are the execution's own).
    if (action !== undefined) this.#app.checkActionState?.(action, account);

    const size = checked.bytes.length;
    const sizeBig = BigInt(size);
    const smallFee = smallFeeOf(fee, size);
    const overTxs = this.size + (replaces === undefined ? 1 : 0) - limits.maxTxs;
    const overBytes = this.bytes + size - (replaces?.size ?? 0) - limits.maxBytes;
    const victims =
      overTxs > 0 || overBytes > 0
        ? chooseVictims(
            this.#held,
            { senderKey, nonce, fee, smallFee, size, sizeBig, pending, replaces },
            overTxs,
            overBytes,
          )
        : [];
    if (victims === undefined) throw this.#full(pending);

    // Committed from here on: nothing below throws.
    const removed: RemovedTx[] = [];
    for (const victim of victims) {
      this.#drop(victim, 'evicted', removed, 'the full mempool made room for a transaction paying a higher fee rate');
    }
    if (replaces !== undefined) {
      this.#drop(replaces, 'replaced', [], `transaction ${idHex} with its nonce and a higher fee replaced it`);
    }
    const sq = this.#held.queueOf(checked.sender, senderKey);
    const tx: PoolTx = {
      id: checked.id,
      idHex,
      bytes: checked.bytes,
      size,
      sizeBig,
      sender: sq,
      nonce,
      fee,
      smallFee,
      cost,
      action,
      seq: this.#seq++,
      peer: origin.peer,
      status: pending ? 'pending' : 'queued',
      queuedSince: this.#blocks,
      queuedSinceMs: pending ? 0 : this.#now(),
      heapIndex: -1,
    };
    this.#held.attach(tx);
    this.#dropped.delete(idHex);
    this.#reconcile(sq, account, minFee, removed);

    const status = tx.status;
    this.#onAdmitted?.({ id: tx.id, bytes: tx.bytes, origin, status });
    return {
      id: tx.id,
      idHex,
      status,
      ...(replaces !== undefined ? { replaced: replaces.idHex } : {}),
      ...(removed.length > 0 ? { removed } : {}),
    };
  }

  #full(pending: boolean): BabyError {
    return new BabyError(
      MempoolErrorCode.FULL,
      `mempool is full (${this.size} transactions, ${this.bytes} bytes) and holds nothing ` +
        `${pending ? '' : 'queued '}paying a lower fee rate`,
      { held: this.size, bytes: this.bytes, maxTxs: this.#limits.maxTxs, maxBytes: this.#limits.maxBytes },
    );
  }

  /**
   * Rechecks one sender against its committed account: drops what can no longer execute, then marks the run of
   * nonces contiguous from the committed one pending and the rest queued.
   */
  #reconcile(
    sq: SenderQueue,
    account: Account,
    minFee: bigint,
    removed: RemovedTx[],
  ): { promoted: number; demoted: number } {
    let spent = 0n;
    for (const tx of [...sq.txs]) {
      if (tx.nonce < account.nonce) {
        this.#drop(
          tx,
          'stale_nonce',
          removed,
          `the chain's nonce for its sender is ${account.nonce}, past ${tx.nonce}`,
        );
      } else if (tx.fee < minFee) {
        this.#drop(tx, 'fee_too_low', removed, `its fee ${tx.fee} is under the minimum fee ${minFee} now in force`);
      } else if (spent + tx.cost > account.balance) {
        this.#drop(tx, 'insufficient_funds', removed, `balance ${account.balance} no longer covers ${spent + tx.cost}`);
      } else {
        spent += tx.cost;
      }
    }
    let next = account.nonce;
    let promoted = 0;
    let demoted = 0;
    for (const tx of sq.txs) {
      const status: TxStatus = tx.nonce === next ? 'pending' : 'queued';
      if (status === 'pending') next++;
      if (status === tx.status) continue;
      if (status === 'queued') {
        tx.queuedSince = this.#blocks;
        tx.queuedSinceMs = this.#now();
      }
      this.#held.setStatus(tx, status);
      if (status === 'pending') promoted++;
      else demoted++;
    }
    return { promoted, demoted };
  }

  /**
   * CometBFT's recheck for governance actions: each held one runs its state rules again against the new committed
   * state; one that fails is dropped (its sender's nonce is free again) and its sender's queue is recomputed.
   */
  #recheckActions(view: AccountView, removed: RemovedTx[]): { promoted: number; demoted: number } {
    const app = this.#app;
    let promoted = 0;
    let demoted = 0;
    if (app.checkActionState === undefined) return { promoted, demoted };
    for (const tx of [...this.#held.actions]) {
      if (!this.#held.actions.has(tx)) continue; // dropped with an earlier action of its sender
      const account = view.account(tx.sender.address);
      try {
        app.checkActionState(tx.action as CheckedTx, account);
        continue;
      } catch (err) {
        const { code, message } = isBabyError(err)
          ? err
          : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
        this.#drop(tx, 'invalid', removed, message, code);
      }
      if (tx.sender.size === 0) continue;
      const moved = this.#reconcile(tx.sender, account, view.minFee, removed);
      promoted += moved.promoted;
      demoted += moved.demoted;
    }
    return { promoted, demoted };
  }

  /** Removes a held transaction for `reason` and remembers why, for a wallet waiting on it (`dropped`). */
  #drop(tx: PoolTx, reason: DroppedTx['reason'], removed: RemovedTx[], message: string, code?: string): void {
    this.#held.detach(tx);
    removed.push(removal(tx, reason));
    this.#dropped.set(tx.idHex, { reason, code: code ?? DROP_CODES[reason], message });
  }

  #reportInvalid(peer: string | undefined, code: string): void {
    if (peer === undefined) return;
    this.#invalidByPeer.set(peer, (this.#invalidByPeer.get(peer) ?? 0) + 1);
    this.#onInvalidFromPeer?.(peer, code);
  }
}

function duplicate(idHex: string): BabyError {
  return new BabyError(MempoolErrorCode.DUPLICATE, `transaction ${idHex} is already in the mempool`, { id: idHex });
}
