/**
 * Block execution (specs/state.md STATE-2..STATE-7, specs/blocks.md BLK-6 and BLK-10): a pure, synchronous core
 * over an in-memory view of the accounts a block touches. The async layer (app.ts) prefetches those accounts
 * and calls it; nothing here does I/O. Governance actions go to a `Governance` (governance.ts) between the App's
 * nonce, fee and funds checks and its own rules, without this file knowing those rules.
 */
import type { Account, Params, TxBody } from '@babychain/codec';
import { BabyError, isBabyError, toHex, txId } from '@babychain/codec';
import { BlockErrorCode, TxErrorCode } from './errors.ts';
import type { AccountAccess, ExecutingBlock, Governance, GovernanceBlock } from './governance.ts';
import { actionSpend, feeRefusal, fundsRefusal, nonceRefusal, spendName, txSpend } from './refusals.ts';
import type { CheckedTx } from './stateless.ts';
import { checkAction, checkTxBytes, unsupportedAction } from './stateless.ts';

const U64_MAX = (1n << 64n) - 1n;
const ZERO: Account = Object.freeze({ balance: 0n, nonce: 0n });
const ADDRESS_BYTES = 20;

/** A transaction after the stateless rules: the checked transaction, or the error it failed with. */
export type PrecheckedTx =
  | { readonly ok: true; readonly tx: CheckedTx }
  | { readonly ok: false; readonly error: unknown };

/** Accounts by lowercase hex address; an address that is absent has never been seen (STATE-1). */
export type AccountMap = ReadonlyMap<string, Account>;

/** What one applied transaction did. */
export interface TxResult {
  /** position in the list given to the executor (the block's tx index in block mode) */
  readonly index: number;
  /** TX-4 */
  readonly id: Uint8Array;
  readonly sender: Uint8Array;
  /** a transfer's `to`; the sender itself for a governance action */
  readonly recipient: Uint8Array;
  /** what left the sender besides the fee: a transfer's amount, a proposal's deposit, 0 for other actions */
  readonly amount: bigint;
  readonly fee: bigint;
  /** the nonce the transaction used (the sender's nonce before it) */
  readonly nonce: bigint;
  /** encoded size in bytes */
  readonly size: number;
}

export interface SkippedTx {
  readonly index: number;
  readonly error: unknown;
}

export interface Execution {
  /** every account the block changed, by hex address, with its value after the block */
  readonly changes: ReadonlyMap<string, Account>;
  /** STATE-7: the sum of the applied transactions' fees, credited to the proposer when non-zero */
  readonly fees: bigint;
  readonly results: readonly TxResult[];
  /** APP-2 only: candidates left out, with why */
  readonly skipped: readonly SkippedTx[];
  /** the sum of the applied transactions' sizes */
  readonly bytes: number;
  /** with a governance: its record after the block (GovernanceBlock.end; empty: no leaf) */
  readonly record?: Uint8Array;
}

/** What a block's governance execution starts from. */
export interface GovernanceContext {
  readonly governance: Governance;
  /** the committed record (GOV-3; empty bytes at genesis) */
  readonly record: Uint8Array;
  readonly block: ExecutingBlock;
  /**
   * Hex addresses whose committed accounts were prefetched into `base` (absent ones have none): governance may
   * read or write no other, since an account it did not see would read as never credited.
   */
  readonly prefetched?: { has(hex: string): boolean };
}

export interface ExecContext {
  /** STATE-4 */
  readonly minFee: bigint;
  /** STATE-7: the block's proposer_address */
  readonly proposer: Uint8Array;
  /** absent: every action but a transfer is TX_UNSUPPORTED_ACTION */
  readonly governance?: GovernanceContext;
}

export interface ProposalLimits {
  /** BLK-10 */
  readonly maxTxs: number;
  /** BLK-10: the sum of the transactions' encodings */
  readonly maxBytes: number;
}

/**
 * TX-1..TX-13 on each transaction (TX-13 with `governance`, else only transfers pass it), keeping the error
 * instead of throwing so that order can decide later.
 */
export function precheckTxs(
  txs: readonly Uint8Array[],
  chainId: string,
  ids: readonly Uint8Array[] = txs.map((t) => txId(t)),
  governance?: Governance,
): PrecheckedTx[] {
  return txs.map((bytes, i) => {
    try {
      const checked = checkTxBytes(bytes, chainId, ids[i]);
      checkAction(checked.tx, governance);
      return { ok: true, tx: checked };
    } catch (error) {
      return { ok: false, error };
    }
  });
}

/**
 * Every distinct address (hex) the prechecked transactions and the proposer can touch: what to prefetch. A
 * governance action touches its sender here; what else its block touches is `Governance.blockTouches`.
 */
export function touchedAddresses(txs: readonly PrecheckedTx[], proposer: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  out.set(toHex(proposer), proposer);
  for (const p of txs) {
    if (!p.ok) continue;
    out.set(toHex(p.tx.sender), p.tx.sender);
    const action = bodyOf(p.tx).action;
    if (action?.case === 'transfer') out.set(toHex(action.value.to), action.value.to);
  }
  return out;
}

/** BLK-10: at most `maxBlockTxs` transactions whose encodings sum to at most `maxBlockBytes`. */
export function checkBlockLimits(txs: readonly Uint8Array[], params: Params): void {
  if (txs.length > params.maxBlockTxs) {
    throw new BabyError(
      BlockErrorCode.TOO_MANY_TXS,
      `block holds ${txs.length} transactions, at most ${params.maxBlockTxs} allowed`,
      { rule: 'BLK-10', count: txs.length, max: params.maxBlockTxs },
    );
  }
  let size = 0;
  for (const t of txs) size += t.length;
  if (BigInt(size) > params.maxBlockBytes) {
    throw new BabyError(
      BlockErrorCode.TOO_LARGE,
      `block transactions are ${size} bytes, at most ${params.maxBlockBytes} allowed`,
      { rule: 'BLK-10', size, max: params.maxBlockBytes },
    );
  }
}

/** BLK-6: no transaction id (TX-4) twice in a block. `ids` are computed from the bytes, so every tx has one. */
export function checkDuplicateTxs(ids: readonly Uint8Array[]): void {
  const seen = new Map<string, number>();
  ids.forEach((id, txIndex) => {
    const hex = toHex(id);
    const first = seen.get(hex);
    if (first !== undefined) {
      throw new BabyError(BlockErrorCode.DUPLICATE_TX, `transaction ${hex} appears at ${first} and ${txIndex}`, {
        rule: 'BLK-6',
        txIndex,
        firstIndex: first,
        id: hex,
      });
    }
    seen.set(hex, txIndex);
  });
}

/**
 * STATE-2: applies every transaction in order and fails the whole block on the first one that does not pass, with
 * that transaction's code (stateless or stateful) and `meta.txIndex`. `base` must hold every touched account that
 * exists (see touchedAddresses); absent means never seen.
 */
export function executeBlock(txs: readonly PrecheckedTx[], base: AccountMap, ctx: ExecContext): Execution {
  const run = new Run(base, ctx);
  txs.forEach((p, txIndex) => {
    if (!p.ok) throw withTxIndex(p.error, txIndex);
    const problem = run.check(p.tx, txIndex);
    if (problem !== undefined) throw problem;
    try {
      run.apply(p.tx, txIndex);
    } catch (error) {
      throw withTxIndex(error, txIndex);
    }
  });
  return run.finish(ctx.proposer, []);
}

export interface BlockContext extends ExecContext {
  readonly chainId: string;
  readonly params: Params;
}

/**
 * A block's transactions without its header: BLK-10, the duplicate rule of BLK-6, then STATE-2 (TX-1..TX-12 and
 * STATE-3..STATE-7 per transaction, in order). `state` must hold every touched account that exists. What the
 * test-vector runner calls; the App adds the header rules (BLK-4, BLK-5, BLK-6 root, BLK-7, BLK-8).
 */
export function executeBlockTxs(txs: readonly Uint8Array[], state: AccountMap, ctx: BlockContext): Execution {
  checkBlockLimits(txs, ctx.params);
  const ids = txs.map((t) => txId(t));
  checkDuplicateTxs(ids);
  return executeBlock(precheckTxs(txs, ctx.chainId, ids, ctx.governance?.governance), state, ctx);
}

/**
 * APP-2: applies candidates in order on a scratch copy, leaving out any that fail (stateless or stateful) and
 * stopping at the first one that would pass but no longer fits the block limits.
 */
export function executeCandidates(
  txs: readonly PrecheckedTx[],
  base: AccountMap,
  ctx: ExecContext,
  limits: ProposalLimits,
): Execution {
  const run = new Run(base, ctx);
  const skipped: SkippedTx[] = [];
  for (let index = 0; index < txs.length && run.results.length < limits.maxTxs; index++) {
    const p = txs[index] as PrecheckedTx;
    if (!p.ok) {
      skipped.push({ index, error: p.error });
      continue;
    }
    const problem = run.check(p.tx, index);
    if (problem !== undefined) {
      skipped.push({ index, error: problem });
      continue;
    }
    if (run.bytes + p.tx.bytes.length > limits.maxBytes) break;
    try {
      run.apply(p.tx, index);
    } catch (error) {
      skipped.push({ index, error });
    }
  }
  return run.finish(ctx.proposer, skipped);
}

/**
 * APP-1's stateful part against committed state: STATE-3 (a lower nonce is a replay; a higher one is accepted for
 * the mempool to hold), STATE-4, STATE-5 (for a governance action: the fee, plus a proposal's deposit). Throws the
 * rule's BabyError.
 */
export function checkTxAgainst(tx: CheckedTx, account: Account | undefined, minFee: bigint): void {
  const body = bodyOf(tx);
  const acct = account ?? ZERO;
  if (body.nonce < acct.nonce) throw nonceRefusal(acct.nonce, body.nonce, undefined);
  if (body.fee < minFee) throw feeRefusal(body.fee, minFee, undefined);
  const need = txSpend(body);
  if (acct.balance < need) throw fundsRefusal(acct.balance, need, undefined, spendName(body));
}

/**
 * APP-1 for a governance action (STATE-12): the rules its execution would run (`Governance.admit`), against the
 * committed `record` as the block `next` starts, on the sender's committed `account` with the fee and nonce taken.
 * Call after `checkTxAgainst` passed; a transfer has nothing more to check. Throws the rule's BabyError.
 */
export function checkActionAgainst(
  tx: CheckedTx,
  account: Account,
  governance: Governance,
  record: Uint8Array,
  next: ExecutingBlock,
): void {
  const body = bodyOf(tx);
  if (body.action?.case === 'transfer') return;
  let sender: Account = { balance: account.balance - body.fee, nonce: body.nonce + 1n };
  const only = (address: Uint8Array): void => {
    // deliver changes no account but its sender's; refunds happen at the end of a block, which admission never runs
    if (toHex(address) !== toHex(tx.sender)) throw new Error('governance: an action touched an account not its sender');
  };
  const access: AccountAccess = {
    get: (address) => {
      only(address);
      return sender;
    },
    set: (address, next) => {
      only(address);
      sender = next;
    },
  };
  governance.admit(record, tx, next, access);
}

/** The scratch state of one execution: copy-on-write over `base`. */
class Run {
  readonly #base: AccountMap;
  readonly #minFee: bigint;
  readonly #changes = new Map<string, Account>();
  readonly #gov: GovernanceBlock | undefined;
  /** while a governance action runs: each account it wrote, as `#changes` held it before (undefined: no entry) */
  #journal: Map<string, Account | undefined> | undefined;
  readonly results: TxResult[] = [];
  bytes = 0;
  #fees = 0n;

  constructor(base: AccountMap, ctx: ExecContext) {
    this.#base = base;
    this.#minFee = ctx.minFee;
    const g = ctx.governance;
    // UPG-4: begin runs a due upgrade's migration before the first transaction, or throws UPG_NEEDED.
    this.#gov = g === undefined ? undefined : g.governance.begin(g.record, g.block, this.#access(g.prefetched));
  }

  #get(hex: string): Account {
    return this.#changes.get(hex) ?? this.#base.get(hex) ?? ZERO;
  }

  #set(hex: string, account: Account): void {
    if (this.#journal !== undefined && !this.#journal.has(hex)) this.#journal.set(hex, this.#changes.get(hex));
    this.#changes.set(hex, account);
  }

  /** The accounts as governance sees them: this run's copy-on-write view, limited to what was prefetched. */
  #access(prefetched: { has(hex: string): boolean } | undefined): AccountAccess {
    const seen = (address: Uint8Array): string => {
      if (!(address instanceof Uint8Array) || address.length !== ADDRESS_BYTES) {
        throw new TypeError('governance: an account address is 20 bytes');
      }
      const hex = toHex(address);
      if (prefetched !== undefined && !prefetched.has(hex) && !this.#changes.has(hex)) {
        throw new Error(`governance touched account ${hex}, which the App did not prefetch (Governance.blockTouches)`);
      }
      return hex;
    };
    return {
      get: (address) => {
        const a = this.#get(seen(address));
        return { balance: a.balance, nonce: a.nonce };
      },
      set: (address, account) => {
        const hex = seen(address);
        const { balance, nonce } = account;
        if (balance < 0n || balance > U64_MAX || nonce < 0n || nonce > U64_MAX) {
          throw new RangeError(`governance: account ${hex} would hold balance ${balance}, nonce ${nonce}`);
        }
        const current = this.#get(hex);
        // Unchanged is not written: an address never credited must stay without a leaf (STATE-1).
        if (current.balance === balance && current.nonce === nonce) return;
        this.#set(hex, { balance, nonce });
      },
    };
  }

  /** STATE-3 to STATE-6 without changing anything; the error, or undefined when the transaction applies. */
  check(tx: CheckedTx, txIndex: number): BabyError | undefined {
    const body = bodyOf(tx);
    const sender = this.#get(toHex(tx.sender));
    if (body.nonce !== sender.nonce) return nonceRefusal(sender.nonce, body.nonce, txIndex);
    if (body.fee < this.#minFee) return feeRefusal(body.fee, this.#minFee, txIndex);
    const action = body.action;
    if (action?.case !== 'transfer') {
      if (this.#gov === undefined) return unsupportedAction(action?.case, { txIndex });
      // The deposit is governance's to check (GOV-4), after the fee is taken.
      if (sender.balance < body.fee) return fundsRefusal(sender.balance, body.fee, txIndex, 'fee');
      return undefined;
    }
    const { to, amount } = action.value;
    const need = amount + body.fee;
    if (sender.balance < need) return fundsRefusal(sender.balance, need, txIndex);
    // The recipient differs from the sender (TX-9), so its balance is not affected by the debit.
    if (this.#get(toHex(to)).balance + amount > U64_MAX) {
      return new BabyError(TxErrorCode.AMOUNT_OVERFLOW, 'the recipient balance would exceed 2^64-1', {
        rule: 'STATE-6',
        txIndex,
      });
    }
    return undefined;
  }

  /**
   * STATE-6, or a governance action: fee and nonce, then GovernanceBlock.deliver; after check() passed. A
   * governance action that throws leaves every account as it was and the error goes to the caller.
   */
  apply(tx: CheckedTx, index: number): void {
    const body = bodyOf(tx);
    const action = body.action;
    if (action?.case !== 'transfer') {
      this.#applyGovernance(tx, index, body);
      return;
    }
    const { to, amount } = action.value;
    const senderHex = toHex(tx.sender);
    const toHexAddr = toHex(to);
    const sender = this.#get(senderHex);
    this.#changes.set(senderHex, { balance: sender.balance - amount - body.fee, nonce: sender.nonce + 1n });
    const recipient = this.#get(toHexAddr);
    this.#changes.set(toHexAddr, { balance: recipient.balance + amount, nonce: recipient.nonce });
    this.#included(tx, index, body, to, amount);
  }

  #applyGovernance(tx: CheckedTx, index: number, body: TxBody): void {
    const gov = this.#gov;
    if (gov === undefined) throw unsupportedAction(body.action?.case, { txIndex: index }); // check() said so already
    const senderHex = toHex(tx.sender);
    this.#journal = new Map();
    try {
      const sender = this.#get(senderHex);
      this.#set(senderHex, { balance: sender.balance - body.fee, nonce: sender.nonce + 1n });
      gov.deliver(tx, index);
    } catch (error) {
      for (const [hex, before] of this.#journal) {
        if (before === undefined) this.#changes.delete(hex);
        else this.#changes.set(hex, before);
      }
      throw error;
    } finally {
      this.#journal = undefined;
    }
    this.#included(tx, index, body, tx.sender, actionSpend(body));
  }

  /** A transaction that applied: its fee joins the block's (STATE-7) and its result is recorded. */
  #included(tx: CheckedTx, index: number, body: TxBody, recipient: Uint8Array, amount: bigint): void {
    this.#fees += body.fee;
    this.bytes += tx.bytes.length;
    const size = tx.bytes.length;
    this.results.push({
      index,
      id: tx.id,
      sender: tx.sender,
      recipient,
      amount,
      fee: body.fee,
      nonce: body.nonce,
      size,
    });
  }

  /**
   * STATE-7: the fees go to the proposer after the last transaction; a zero sum credits nothing. Then governance
   * ends the block (GOV-6) and gives its new record.
   */
  finish(proposer: Uint8Array, skipped: SkippedTx[]): Execution {
    if (this.#fees > 0n) {
      const hex = toHex(proposer);
      const acct = this.#get(hex);
      if (acct.balance + this.#fees > U64_MAX) {
        // Unreachable while the supply fits in 64 bits (GEN-3), checked all the same.
        throw new BabyError(TxErrorCode.AMOUNT_OVERFLOW, 'the proposer balance would exceed 2^64-1', {
          rule: 'STATE-7',
        });
      }
      this.#set(hex, { balance: acct.balance + this.#fees, nonce: acct.nonce });
    }
    const execution = { changes: this.#changes, fees: this.#fees, results: this.results, skipped, bytes: this.bytes };
    return this.#gov === undefined ? execution : { ...execution, record: this.#gov.end() };
  }
}

function bodyOf(tx: CheckedTx) {
  const body = tx.tx.body;
  if (body === undefined) throw new Error('execute: transaction was not statelessly checked (no body)');
  return body;
}

/** The same error with `meta.txIndex` added (STATE-2); a non-BabyError is returned unchanged. */
export function withTxIndex(error: unknown, txIndex: number): unknown {
  if (!isBabyError(error)) return error;
  return new BabyError(
    error.code,
    `transaction ${txIndex}: ${error.message}`,
    { ...error.meta, txIndex },
    {
      cause: error,
    },
  );
}
