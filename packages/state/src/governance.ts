/**
 * What the App needs from governance (specs/governance.md), implemented by @babychain/upgrade: the state machine
 * executes governance transactions and upgrades without knowing their rules, the way CometBFT's ABCI keeps the
 * consensus engine ignorant of the application. Governance keeps its whole state in one record (GOV-3).
 */
import type { Account, Params, TxBody, Validator } from '@babychain/codec';
import type { CheckedTx } from './checked-tx.ts';

/**
 * The accounts of the block being executed, copy-on-write: nothing reaches the store before commit. Only the
 * addresses the App prefetched are reachable (the block's senders, recipients and proposer, and `blockTouches`);
 * any other throws, since its committed account was not read. Writing an account unchanged is a no-op.
 */
export interface AccountAccess {
  /** the account, or balance 0 and nonce 0 when the address was never credited (STATE-1) */
  get(address: Uint8Array): Account;
  set(address: Uint8Array, account: Account): void;
}

/** VAL-9: an equivocation consensus resolved from a piece of a block's evidence (CONS-13). */
export interface Offence {
  /** the offender's consensus key */
  readonly publicKey: Uint8Array;
  /** the height it signed two votes at */
  readonly height: bigint;
}

/** The block being executed. */
export interface ExecutingBlock {
  readonly height: bigint;
  /** the header's time (a proposal's time when preparing) */
  readonly timeMs: bigint;
  /** the offences of the block's evidence, in block order (none: absent) */
  readonly offences?: readonly Offence[];
}

/** What a governance record puts in force (GOV-3). */
export interface GovernanceView {
  readonly params: Params;
  /**
   * VAL-2, VAL-3: the sets of the record's height (`last`), of the next height (`current`) and of the one after
   * (`next`), in CONS-2 order
   */
  readonly validators: {
    readonly last: readonly Validator[];
    readonly current: readonly Validator[];
    readonly next: readonly Validator[];
  };
  /** UPG-3: the app version in force before any upgrade due at the next height */
  readonly appVersion: number;
  /** the scheduled plan, if any (UPG-1) */
  readonly scheduled: { readonly name: string; readonly height: bigint; readonly appVersion: number } | undefined;
}

/** One block's governance execution (begin → deliver* → end). */
export interface GovernanceBlock {
  /**
   * Executes one governance transaction after the App has checked STATE-3 and STATE-4 and taken the fee and the
   * nonce. All or nothing: it throws the rule's BabyError before changing anything.
   */
  deliver(tx: CheckedTx, txIndex: number): void;
  /**
   * GOV-6 and the end of the block, after the fees are paid (STATE-7): returns the new record (empty bytes: no
   * leaf). A record, once non-empty, never becomes empty again: a tree leaf is never removed (STATE-10).
   */
  end(): Uint8Array;
}

export interface Governance {
  /** GOV-3: the record's tree key (32 bytes) */
  readonly recordKey: Uint8Array;
  /** the TxBody action cases governance executes ('submitProposal', 'vote', …) */
  readonly actions: ReadonlySet<string>;
  /** the stateless rules of one of its actions, after TX-5 to TX-8 (throws BabyError) */
  checkAction(body: TxBody): void;
  /** what `record` (empty bytes at genesis) puts in force */
  view(record: Uint8Array): GovernanceView;
  /** UPG-3: the header version of the block at `height` under `record` */
  versionAt(record: Uint8Array, height: bigint): number;
  /**
   * VAL-9 for a proposer (APP-2): which of `offences`, in order, a block at `height` under `record` may carry, an
   * offence counting against those kept before it
   */
  admitOffences(record: Uint8Array, height: bigint, offences: readonly Offence[]): boolean[];
  /** addresses the block at `height` may change outside its transactions (deposit refunds): the App prefetches them */
  blockTouches(record: Uint8Array, height: bigint): Uint8Array[];
  /**
   * Starts executing the block at `info.height`; when the scheduled plan is due at this height it runs the
   * installed handler's migration first (UPG-4), or throws `UPG_NEEDED` when there is none. Then VAL-9 for the
   * block's offences: throws the first failure's BabyError.
   */
  begin(record: Uint8Array, info: ExecutingBlock, accounts: AccountAccess): GovernanceBlock;
  /**
   * APP-1 for a governance transaction: runs the very rules `deliver` runs, against `record` as the block at
   * `info.height` starts (without that block's migration), on `accounts` (the fee and nonce already taken). Throws
   * the rule's BabyError; changes nothing the caller keeps.
   */
  admit(record: Uint8Array, tx: CheckedTx, info: ExecutingBlock, accounts: AccountAccess): void;
}
