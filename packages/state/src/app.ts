/**
 * The application consensus drives (specs/state.md APP-1..APP-5): check tx, prepare/process proposal, finalize
 * block, commit, info; plus the queries RPC needs. Execution is the pure core of execute.ts over accounts
 * prefetched with one `getMany`; storage is store.ts (one batch per block); the state root is tree/. Governance is
 * an optional `Governance` (governance.ts) whose one record the App stores, commits and hands back each block.
 */
import type { Account, Block, Genesis, Header, Params, StateProof, Tx } from '@babychain/codec';
import {
  BabyError,
  blockHash,
  bytesEqual,
  commitHash,
  create,
  decodeTx,
  fromHex,
  merkleRoot,
  sha256,
  toHex,
} from '@babychain/codec';
import type { SignatureVerifier, VerifyResult } from '@babychain/crypto';
import { LruCache } from '@babychain/util';
import { BlockErrorCode, StateErrorCode } from './errors.ts';
import type { ExecContext, Execution, PrecheckedTx, TxResult } from './execute.ts';
import {
  checkActionAgainst,
  checkBlockLimits,
  checkDuplicateTxs,
  checkTxAgainst,
  executeBlock,
  executeCandidates,
  touchedAddresses,
} from './execute.ts';
import { genesisHash, genesisParams, validateGenesis } from './genesis.ts';
import type { Governance } from './governance.ts';
import { actionSpend } from './refusals.ts';
import type { ChainRules } from './rules.ts';
import { rulesFor } from './rules.ts';
import type { CheckedTx, TxSignatureSet } from './stateless.ts';
import { badSignature, checkAction, checkTxBytes, checkTxRules } from './stateless.ts';
import type { HistoryEntry, HistoryQuery, KvDb } from './store.ts';
import { StateStore } from './store.ts';
import type { StateTreeStats, TreeUpdate } from './tree/index.ts';
import { accountKey, EMPTY_HASH, StateTree, valueHash } from './tree/index.ts';

const ADDRESS_BYTES = 20;
const NO_BYTES = new Uint8Array(0);

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

export interface TxQueryResult {
  readonly tx: Tx;
  readonly bytes: Uint8Array;
  readonly height: bigint;
  readonly index: number;
}

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

type TimedPhase = 'precheckMs' | 'accountsMs' | 'executeMs' | 'rootMs' | 'commitMs';

function lap(metrics: AppMetrics, phase: TimedPhase, since: number): number {
  const now = performance.now();
  metrics[phase] += now - since;
  return now;
}

/** An executed block's transactions, outcome and tree update, valid until the next commit. */
interface Executed {
  readonly txs: readonly CheckedTx[];
  readonly execution: Execution;
  readonly results: readonly TxResult[];
  readonly update: TreeUpdate;
  /** the governance record after the block, when the block changed it */
  readonly record: Uint8Array | undefined;
}

/** A statelessly checked transaction and the rules it was checked under (a fingerprint of them). */
interface CheckedEntry {
  readonly tx: CheckedTx;
  readonly rules: string;
}

interface RefusedEntry {
  readonly error: unknown;
  readonly rules: string;
}

/** Failed stateless verdicts remembered from `precheckTxs`: enough for the admissions that follow it. */
const REFUSED_CACHE_SIZE = 4096;

/** The rules of one app version and their fingerprint, for the checked-tx cache. */
interface VersionRules {
  readonly rules: ChainRules;
  readonly key: string;
}

interface Pending {
  readonly block: Block;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly executed: Executed;
}

/** The Babychain v0 application: consensus calls it, RPC queries it. Call `init()` first and `close()` last. */
export class App {
  readonly #options: AppOptions;
  #store: StateStore | undefined;
  #tree: StateTree | undefined;
  #genesis: Genesis | undefined;
  #genesisHash: Uint8Array = NO_BYTES;
  #params: Params | undefined;
  /** the committed governance record (GOV-3; empty: none) */
  #record: Uint8Array = NO_BYTES;
  #height = 0n;
  #appHash: Uint8Array = EMPTY_HASH;
  #lastBlockHash: Uint8Array = NO_BYTES;
  #lastTimeMs = 0n;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #checked: LruCache<string, CheckedEntry>;
  readonly #refused = new LruCache<string, RefusedEntry>(2 * REFUSED_CACHE_SIZE);
  readonly #rulesOf: (appVersion: number) => ChainRules;
  readonly #rulesByVersion = new Map<number, VersionRules>();
  /** `#admissionRules()` for the committed height and record it was computed under */
  #nextRules: { readonly height: bigint; readonly record: Uint8Array; readonly rules: VersionRules } | undefined;
  /** executions of this height by `txRoot:proposer` (prepareProposal, processProposal) */
  readonly #executions = new Map<string, Executed>();
  /** blocks of this height that passed processProposal, by block hash */
  readonly #validated = new Map<string, Executed>();
  #pending: Pending | undefined;
  readonly #metrics: AppMetrics = {
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

  constructor(options: AppOptions) {
    this.#options = options;
    this.#checked = new LruCache(2 * (options.checkedCacheSize ?? 20_000));
    this.#rulesOf = options.rules ?? rulesFor;
  }

  /** Opens an App and runs `init()`. */
  static async open(options: AppOptions): Promise<App> {
    const app = new App(options);
    await app.init();
    return app;
  }

  /** Opens the store; an empty one is initialised from the genesis (GEN-7) in one batch. */
  init(): Promise<void> {
    return this.#locked(async () => {
      if (this.#store !== undefined) return;
      const store = await StateStore.open(this.#options.db, { sync: this.#options.sync ?? true });
      try {
        await this.#load(store);
      } catch (err) {
        await store.close();
        throw err;
      }
      this.#store = store;
    });
  }

  async #load(store: StateStore): Promise<void> {
    const treeOptions = this.#options.treeCacheSize === undefined ? {} : { cacheSize: this.#options.treeCacheSize };
    const head = await store.head();
    const given = this.#options.genesis;
    if (head === undefined) {
      if (given === undefined) {
        throw new BabyError(StateErrorCode.CORRUPT, 'the store is empty and no genesis was given', { rule: 'GEN-7' });
      }
      validateGenesis(given);
      const accounts = new Map<string, Account>();
      for (const a of given.accounts) accounts.set(toHex(a.address), { balance: a.balance, nonce: 0n });
      const tree = await StateTree.open(store.treeReader, EMPTY_HASH, treeOptions);
      const update = await tree.computeUpdate(treeChanges(accounts));
      await store.writeGenesis(given, accounts, update.writes, update.root);
      tree.commit(update);
      this.#setGenesis(given);
      this.#setRecord(NO_BYTES);
      this.#tree = tree;
      this.#height = 0n;
      this.#appHash = update.root;
      this.#lastBlockHash = NO_BYTES;
      this.#lastTimeMs = given.genesisTimeMs;
      return;
    }
    const stored = await store.genesis();
    if (stored === undefined) throw new BabyError(StateErrorCode.CORRUPT, 'the store has a head but no genesis');
    if (given !== undefined && !bytesEqual(genesisHash(given), genesisHash(stored))) {
      throw new BabyError(
        StateErrorCode.GENESIS_MISMATCH,
        `the store holds chain "${stored.chainId}" (genesis ${toHex(genesisHash(stored))}), not genesis ${toHex(genesisHash(given))}`,
        { stored: toHex(genesisHash(stored)), given: toHex(genesisHash(given)) },
      );
    }
    this.#setGenesis(stored);
    this.#tree = await StateTree.open(store.treeReader, head.appHash, treeOptions);
    const record = await store.governanceRecord();
    await this.#checkRecord(this.#tree, record);
    this.#setRecord(record);
    this.#height = head.height;
    this.#appHash = head.appHash;
    this.#lastBlockHash = head.blockHash;
    if (head.height === 0n) {
      this.#lastTimeMs = stored.genesisTimeMs;
    } else {
      const last = await store.block(head.height);
      if (last?.header === undefined) {
        throw new BabyError(StateErrorCode.CORRUPT, `the block at the head height ${head.height} is missing`);
      }
      this.#lastTimeMs = last.header.timeMs;
    }
  }

  #setGenesis(genesis: Genesis): void {
    this.#genesis = genesis;
    this.#genesisHash = genesisHash(genesis);
  }

  /** Makes `record` the committed record and the params in force its (GOV-3), or the genesis's. */
  #setRecord(record: Uint8Array): void {
    const governance = this.#options.governance;
    this.#params = governance === undefined ? genesisParams(this.genesis) : governance.view(record).params;
    this.#record = record;
  }

  /** GOV-3: the stored record is the tree's leaf, or there is neither (APP-5: a store that disagrees is refused). */
  async #checkRecord(tree: StateTree, record: Uint8Array): Promise<void> {
    const governance = this.#options.governance;
    if (governance === undefined) return; // without its key the leaf cannot be looked up; execution refuses instead
    const inTree = await tree.valueHashAt(governance.recordKey);
    const expected = record.length === 0 ? undefined : sha256(record);
    if (inTree === undefined && expected === undefined) return;
    if (inTree !== undefined && expected !== undefined && bytesEqual(inTree, expected)) return;
    throw new BabyError(
      StateErrorCode.CORRUPT,
      'the stored governance record is not the one the state root commits to',
      {
        rule: 'GOV-3',
      },
    );
  }

  close(): Promise<void> {
    return this.#locked(async () => {
      const store = this.#store;
      this.#store = undefined;
      this.#tree = undefined;
      this.#pending = undefined;
      this.#executions.clear();
      this.#validated.clear();
      if (store !== undefined) await store.close();
    });
  }

  get genesis(): Genesis {
    return this.#need(this.#genesis);
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  /** The chain parameters in force for the next block: the governance record's (GOV-3), else the genesis's. */
  get params(): Params {
    return this.#need(this.#params);
  }

  /** The committed governance record (GOV-3), a copy; empty bytes while governance has never been used. */
  governanceRecord(): Uint8Array {
    this.#need(this.#store);
    return this.#record.slice();
  }

  /** BLK-3 / UPG-3: the header version of the block at `height` under the committed record (0 without governance). */
  headerVersion(height: bigint): number {
    this.#need(this.#store);
    return this.#options.governance?.versionAt(this.#record, height) ?? 0;
  }

  /** UPG-3: the rules in force for the block at `height` under the committed record. */
  #rulesAt(height: bigint): VersionRules {
    const version = this.headerVersion(height);
    let known = this.#rulesByVersion.get(version);
    if (known === undefined) {
      const rules = this.#rulesOf(version);
      // A fingerprint of every field, so a rule added later cannot be forgotten by the cache's comparison.
      known = { rules, key: JSON.stringify(rules) };
      this.#rulesByVersion.set(version, known);
    }
    return known;
  }

  /** Cumulative counters and timings since the app was created (metrics, benchmarks). */
  get metrics(): Readonly<AppMetrics & { tree: Readonly<StateTreeStats> | undefined }> {
    return { ...this.#metrics, tree: this.#tree?.stats };
  }

  /** APP-5: the last committed height and state root, for consensus to replay what the state machine lacks. */
  info(): AppInfo {
    this.#need(this.#store);
    return {
      height: this.#height,
      appHash: this.#appHash.slice(),
      lastBlockHash: this.#lastBlockHash.slice(),
      genesisHash: this.#genesisHash.slice(),
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // APP-1
  // ------------------------------------------------------------------------------------------------------------

  /**
   * APP-1: TX-1..TX-13, then STATE-3 (lower nonce: replay; higher: accepted, a gap), STATE-4 and STATE-5 against
   * the last committed state. Throws the first failing rule's BabyError.
   */
  async checkTx(bytes: Uint8Array): Promise<CheckTxResult> {
    const store = this.#need(this.#store);
    const checked = this.#precheck(bytes, sha256(bytes), this.#admissionRules());
    if (!checked.ok) throw checked.error;
    const tx = checked.tx;
    const account = await store.account(tx.sender);
    checkTxAgainst(tx, account, this.params.minFee);
    this.checkActionState(tx, account ?? { balance: 0n, nonce: 0n });
    const body = tx.tx.body as NonNullable<Tx['body']>;
    const action = body.action;
    return {
      tx: tx.tx,
      id: tx.id,
      sender: tx.sender,
      recipient: action?.case === 'transfer' ? action.value.to : tx.sender,
      nonce: body.nonce,
      fee: body.fee,
      amount: actionSpend(body),
      accountNonce: account?.nonce ?? 0n,
      size: bytes.length,
    };
  }

  /**
   * APP-1's governance part (STATE-12): the rules the next block would run on a governance action, against the
   * committed record and the sender's committed `account` (the caller's view of it: a mempool's). Nothing to check
   * for a transfer; STATE-3..STATE-5 are `checkTx`'s, or the mempool's own. Throws the rule's BabyError.
   */
  checkActionState(tx: CheckedTx, account: Account): void {
    const governance = this.#options.governance;
    if (governance === undefined) return; // TX-13 already refused every action but a transfer
    checkActionAgainst(tx, account, governance, this.#record, {
      height: this.#height + 1n,
      timeMs: this.#lastTimeMs + 1n,
    });
  }

  /**
   * TX-1..TX-13 alone (throws the first failing rule's BabyError). A transaction that passes is remembered, so a
   * proposal or block holding it later does not verify its signatures again: a mempool's admission check should
   * come through here.
   */
  checkTxStateless(bytes: Uint8Array): CheckedTx {
    const checked = this.#precheck(bytes, sha256(bytes), this.#admissionRules());
    if (!checked.ok) throw checked.error;
    return checked.tx;
  }

  /**
   * TX-1..TX-13 for many transactions at once with their signatures verified by the `signatureVerifier` (a worker
   * pool), remembering each verdict: the `checkTxStateless` admission runs next finds it and verifies nothing on
   * this thread. Does nothing without a verifier. Never throws for a transaction that fails.
   */
  async precheckTxs(batch: readonly Uint8Array[]): Promise<void> {
    const verifier = this.#options.signatureVerifier;
    if (verifier === undefined) return;
    const rules = this.#admissionRules();
    const waiting: { idHex: string; checked: CheckedTx; signatures: TxSignatureSet[] }[] = [];
    for (const bytes of batch) {
      const id = sha256(bytes);
      const idHex = toHex(id);
      if (this.#checked.get(idHex)?.rules === rules.key || this.#refused.get(idHex)?.rules === rules.key) continue;
      try {
        const tx = decodeTx(bytes);
        const { sender, signatures } = checkTxRules(tx, this.chainId, rules.rules, bytes);
        waiting.push({ idHex, checked: { tx, bytes, id, sender }, signatures });
      } catch (error) {
        this.#refused.set(idHex, { error, rules: rules.key });
      }
    }
    if (waiting.length === 0) return;
    const sets = waiting.flatMap((w) => w.signatures);
    const results = await verifier.verifyBatch(sets);
    // A verifier that answered for fewer sets proved nothing: admission then verifies on this thread.
    if (results.length !== sets.length) return;
    let at = 0;
    for (const w of waiting) {
      let error: unknown;
      for (const set of w.signatures) {
        const result = results[at++] as VerifyResult;
        if (error === undefined && !result.ok) error = badSignature(set.keyIndex, result.reason);
      }
      if (error === undefined) {
        try {
          checkAction(w.checked.tx, this.#options.governance);
        } catch (thrown) {
          error = thrown;
        }
      }
      if (error === undefined) this.#checked.set(w.idHex, { tx: w.checked, rules: rules.key });
      else this.#refused.set(w.idHex, { error, rules: rules.key });
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // APP-2
  // ------------------------------------------------------------------------------------------------------------

  /**
   * APP-2: executes the candidates in order on a scratch copy of the committed state, leaves out those that fail,
   * stops at the block limits, and returns the chosen transactions with the tx root and app hash for the header.
   * The header's version is the caller's to set: `headerVersion(height)`. Governance's `UPG_NEEDED` propagates.
   */
  prepareProposal(req: PrepareProposalRequest): Promise<PrepareProposalResult> {
    return this.#locked(async () => {
      this.#checkHeight(req.height);
      this.#checkTime(req.timeMs);
      checkProposer(req.proposerAddress);
      const params = this.params;
      const m = this.#metrics;
      let t = performance.now();
      const rules = this.#rulesAt(req.height);
      const prechecked = req.candidates.map((bytes) => this.#precheck(bytes, sha256(bytes), rules));
      t = lap(m, 'precheckMs', t);
      const { base, ctx } = await this.#prepareRun(prechecked, req.height, req.timeMs, req.proposerAddress);
      t = lap(m, 'accountsMs', t);
      const execution = executeCandidates(prechecked, base, ctx, {
        maxTxs: params.maxBlockTxs,
        maxBytes: Number(params.maxBlockBytes),
      });
      lap(m, 'executeMs', t);
      const chosen = execution.results.map((r) => (prechecked[r.index] as { tx: CheckedTx }).tx);
      const txRoot = merkleRoot(chosen.map((t) => t.id));
      const executed = await this.#finishExecution(chosen, execution);
      this.#executions.set(executionKey(txRoot, req.proposerAddress, req.timeMs), executed);
      return {
        txs: chosen.map((t) => t.bytes),
        txRoot,
        appHash: executed.update.root,
        skipped: execution.skipped.map((s) => ({ index: s.index, ...describeError(s.error) })),
      };
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // APP-3, APP-4, APP-5
  // ------------------------------------------------------------------------------------------------------------

  /**
   * APP-3: accepts a proposed block only if it passes BLK-3..BLK-8, BLK-10 and STATE-2; throws the first failure's
   * BabyError (BLOCK_* or the failing transaction's code with `meta.txIndex`), or governance's `UPG_NEEDED`
   * unchanged. The result is kept for `finalizeBlock` of the same block.
   */
  processProposal(block: Block): Promise<BlockResult> {
    return this.#locked(async () => {
      const { executed } = await this.#process(block);
      return blockResult(executed);
    });
  }

  /** APP-4: executes a decided block (reusing processProposal's result) and holds it for `commit`. */
  finalizeBlock(block: Block): Promise<BlockResult> {
    return this.#locked(async () => {
      const header = block.header ?? create('babychain.v0.Header');
      const hash = blockHash(header);
      let executed = this.#validated.get(toHex(hash));
      if (executed === undefined) executed = (await this.#process(block)).executed;
      this.#pending = { block, header, hash, executed };
      return blockResult(executed);
    });
  }

  /** APP-5: persists the finalized block, its transactions and the new state in one batch. */
  commit(): Promise<CommitResult> {
    return this.#locked(async () => {
      const store = this.#need(this.#store);
      const tree = this.#need(this.#tree);
      const pending = this.#pending;
      if (pending === undefined) throw new Error('App.commit: no finalized block to commit');
      const { header, executed } = pending;
      const t = performance.now();
      await store.writeBlock({
        block: pending.block,
        blockHash: pending.hash,
        height: header.height,
        txs: executed.results.map((r) => ({ id: r.id, sender: r.sender, recipient: r.recipient })),
        accounts: executed.execution.changes,
        treeWrites: executed.update.writes,
        appHash: executed.update.root,
        ...(executed.record === undefined ? {} : { governanceRecord: executed.record }),
      });
      tree.commit(executed.update); // same continuation as the batch: no tree read sees new nodes with the old root
      if (executed.record !== undefined) this.#setRecord(executed.record);
      lap(this.#metrics, 'commitMs', t);
      this.#metrics.blocksCommitted++;
      this.#height = header.height;
      this.#appHash = executed.update.root;
      this.#lastBlockHash = pending.hash;
      this.#lastTimeMs = header.timeMs;
      this.#pending = undefined;
      this.#executions.clear();
      this.#validated.clear();
      return { height: this.#height, appHash: this.#appHash.slice(), changes: executed.execution.changes };
    });
  }

  async #process(block: Block): Promise<{ hash: Uint8Array; executed: Executed }> {
    const header = block.header ?? create('babychain.v0.Header');
    const params = this.params;
    if (header.chainId !== this.chainId) {
      throw new BabyError(
        BlockErrorCode.WRONG_CHAIN_ID,
        `block is for chain "${header.chainId}", this is "${this.chainId}"`,
        {
          rule: 'BLK-4',
          expected: this.chainId,
          got: header.chainId,
        },
      );
    }
    this.#checkHeight(header.height);
    this.#checkVersion(header);
    this.#checkTime(header.timeMs);
    this.#checkLinks(header, block);
    checkProposer(header.proposerAddress);
    checkBlockLimits(block.txs, params);
    const ids = block.txs.map((t) => sha256(t));
    const txRoot = merkleRoot(ids);
    if (!bytesEqual(txRoot, header.txRoot)) {
      throw new BabyError(BlockErrorCode.BAD_TX_ROOT, 'tx_root is not the Merkle root of the transaction ids', {
        rule: 'BLK-6',
        expected: toHex(txRoot),
        got: toHex(header.txRoot),
      });
    }
    checkDuplicateTxs(ids);
    const key = executionKey(txRoot, header.proposerAddress, header.timeMs);
    let executed = this.#executions.get(key);
    if (executed === undefined) {
      const m = this.#metrics;
      let t = performance.now();
      const rules = this.#rulesAt(header.height);
      const prechecked = block.txs.map((bytes, i) => this.#precheck(bytes, ids[i] as Uint8Array, rules));
      t = lap(m, 'precheckMs', t);
      const { base, ctx } = await this.#prepareRun(prechecked, header.height, header.timeMs, header.proposerAddress);
      t = lap(m, 'accountsMs', t);
      const execution = executeBlock(prechecked, base, ctx);
      lap(m, 'executeMs', t);
      const txs = prechecked.map((p) => (p as { tx: CheckedTx }).tx);
      executed = await this.#finishExecution(txs, execution);
      this.#executions.set(key, executed);
    }
    if (!bytesEqual(executed.update.root, header.appHash)) {
      throw new BabyError(BlockErrorCode.BAD_APP_HASH, 'app_hash is not the state root after the block', {
        rule: 'BLK-7',
        expected: toHex(executed.update.root),
        got: toHex(header.appHash),
      });
    }
    const hash = blockHash(header);
    this.#validated.set(toHex(hash), executed);
    return { hash, executed };
  }

  /**
   * The accounts a block may touch, read in one getMany (its transactions', the proposer's and governance's
   * `blockTouches`), and the context to execute it in.
   */
  async #prepareRun(
    prechecked: readonly PrecheckedTx[],
    height: bigint,
    timeMs: bigint,
    proposer: Uint8Array,
  ): Promise<{ base: Map<string, Account>; ctx: ExecContext }> {
    const governance = this.#options.governance;
    const record = this.#record;
    if (governance === undefined && record.length > 0) {
      throw new Error('App: this chain has a governance record; open the App with its governance to execute blocks');
    }
    const addresses = touchedAddresses(prechecked, proposer);
    if (governance !== undefined) {
      for (const address of governance.blockTouches(record, height)) addresses.set(toHex(address), address);
    }
    const base = await this.#loadAccounts(addresses);
    const minFee = this.params.minFee;
    if (governance === undefined) return { base, ctx: { minFee, proposer } };
    const block = { height, timeMs };
    return { base, ctx: { minFee, proposer, governance: { governance, record, block, prefetched: addresses } } };
  }

  async #finishExecution(txs: readonly CheckedTx[], execution: Execution): Promise<Executed> {
    const tree = this.#need(this.#tree);
    const t = performance.now();
    const changes = treeChanges(execution.changes);
    const record = this.#recordChange(execution.record);
    if (record !== undefined) {
      const key = (this.#options.governance as Governance).recordKey;
      changes.set(toHex(key), sha256(record));
    }
    const update = await tree.computeUpdate(changes);
    lap(this.#metrics, 'rootMs', t);
    this.#metrics.blocksExecuted++;
    this.#metrics.txsExecuted += execution.results.length;
    const results = execution.results.map((r, index) => (r.index === index ? r : { ...r, index }));
    return { txs, execution, results, update, record };
  }

  /** The block's new record when it differs from the committed one (GOV-3: its leaf, SHA-256 of it as value hash). */
  #recordChange(record: Uint8Array | undefined): Uint8Array | undefined {
    if (record === undefined || bytesEqual(record, this.#record)) return undefined;
    if (record.length === 0) {
      // STATE-10 never removes a leaf, so a record that exists stays non-empty.
      throw new Error('governance emptied its record: a committed leaf cannot be removed');
    }
    return record.slice();
  }

  /** BLK-4 (height) */
  #checkHeight(height: bigint): void {
    const expected = this.#height + 1n;
    if (height !== expected) {
      throw new BabyError(BlockErrorCode.BAD_HEIGHT, `block height is ${height}, the next height is ${expected}`, {
        rule: 'BLK-4',
        expected,
        got: height,
      });
    }
  }

  /** BLK-3 / UPG-3: the app version in force for the block (always 0 without governance). */
  #checkVersion(header: Header): void {
    const expected = this.headerVersion(header.height);
    if (header.version !== expected) {
      throw new BabyError(
        BlockErrorCode.BAD_VERSION,
        `block version is ${header.version}, the app version in force at height ${header.height} is ${expected}`,
        { rule: 'BLK-3', expected, got: header.version },
      );
    }
  }

  /** BLK-5; the genesis time stands for the parent's at height 1. */
  #checkTime(timeMs: bigint): void {
    if (timeMs <= this.#lastTimeMs) {
      throw new BabyError(
        BlockErrorCode.BAD_TIME,
        `block time ${timeMs} is not after the parent's ${this.#lastTimeMs}`,
        {
          rule: 'BLK-5',
          parentTimeMs: this.#lastTimeMs,
          got: timeMs,
        },
      );
    }
  }

  /** BLK-8 against the stored parent; what the last commit certifies is consensus's to check. */
  #checkLinks(header: Header, block: Block): void {
    const bad = (message: string) => new BabyError(BlockErrorCode.BAD_LINK, message, { rule: 'BLK-8' });
    if (header.height === 1n) {
      if (header.lastBlockHash.length !== 0) throw bad('the first block has a last_block_hash');
      if (header.lastCommitHash.length !== 0) throw bad('the first block has a last_commit_hash');
      if (block.lastCommit !== undefined) throw bad('the first block has a last_commit');
      return;
    }
    if (!bytesEqual(header.lastBlockHash, this.#lastBlockHash)) {
      throw bad(`last_block_hash is not the hash of block ${this.#height}`);
    }
    if (block.lastCommit === undefined) throw bad('the block has no last_commit');
    if (!bytesEqual(header.lastCommitHash, commitHash(block.lastCommit))) {
      throw bad('last_commit_hash is not the hash of last_commit');
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Queries
  // ------------------------------------------------------------------------------------------------------------

  /** The committed account of an address (null: never credited), optionally with its StateProof. */
  account(address: Uint8Array, query: AccountQuery = {}): Promise<AccountQueryResult> {
    return this.#locked(async () => {
      const store = this.#need(this.#store);
      const account = (await store.account(address)) ?? null;
      const base = { address, account, height: this.#height, appHash: this.#appHash.slice() };
      if (query.prove !== true) return base;
      const proof = await this.#need(this.#tree).prove(accountKey(address));
      return { ...base, proof };
    });
  }

  /** Every committed account, in address order (to build an in-memory view at startup). */
  allAccounts(): AsyncGenerator<[Uint8Array, Account]> {
    return this.#need(this.#store).allAccounts();
  }

  async blockByHeight(height: bigint): Promise<Block | undefined> {
    return this.#need(this.#store).block(height);
  }

  async blockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const store = this.#need(this.#store);
    const height = await store.heightOfBlock(hash);
    return height === undefined ? undefined : store.block(height);
  }

  /** A committed transaction by id (TX-4), with where it is. */
  async tx(id: Uint8Array): Promise<TxQueryResult | undefined> {
    const store = this.#need(this.#store);
    const at = await store.txLocation(id);
    if (at === undefined) return undefined;
    const bytes = (await store.block(at.height))?.txs[at.index];
    if (bytes === undefined) throw new BabyError(StateErrorCode.CORRUPT, `tx index points at a missing transaction`);
    return { tx: decodeTx(bytes), bytes, height: at.height, index: at.index };
  }

  /** Transfers an address sent or received, newest first. */
  async accountHistory(address: Uint8Array, query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    return this.#need(this.#store).history(address, query);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Internals
  // ------------------------------------------------------------------------------------------------------------

  /**
   * Mempool admission checks under the rules of the block the transaction can enter first: the next one, which may
   * be the first under a new app version (UPG-3).
   */
  #admissionRules(): VersionRules {
    // Asked once per admitted transaction; the answer changes only with the committed height or record.
    const cached = this.#nextRules;
    if (cached?.height === this.#height && cached.record === this.#record) return cached.rules;
    const rules = this.#rulesAt(this.#height + 1n);
    this.#nextRules = { height: this.#height, record: this.#record, rules };
    return rules;
  }

  /**
   * TX-1..TX-13 for one encoding under `rules` (TX-13: the action's own rules), remembered by id when it passes.
   * A transaction remembered under other rules is checked again: passing one version's rules says nothing of another's.
   */
  #precheck(bytes: Uint8Array, id: Uint8Array, rules: VersionRules): PrecheckedTx {
    const idHex = toHex(id);
    const refused = this.#refused.get(idHex);
    if (refused !== undefined && refused.rules === rules.key) return { ok: false, error: refused.error };
    const hit = this.#checked.get(idHex);
    if (hit !== undefined && hit.rules === rules.key) {
      this.#metrics.checkedCacheHits++;
      return { ok: true, tx: hit.tx };
    }
    let checked: CheckedTx;
    try {
      checked = checkTxBytes(bytes, this.chainId, id, rules.rules);
      checkAction(checked.tx, this.#options.governance);
    } catch (error) {
      if (hit !== undefined) this.#checked.delete(idHex);
      return { ok: false, error };
    }
    this.#checked.set(idHex, { tx: checked, rules: rules.key });
    return { ok: true, tx: checked };
  }

  async #loadAccounts(addresses: ReadonlyMap<string, Uint8Array>): Promise<Map<string, Account>> {
    const hexes = [...addresses.keys()];
    const values = await this.#need(this.#store).accounts([...addresses.values()]);
    const out = new Map<string, Account>();
    values.forEach((v, i) => {
      if (v !== undefined) out.set(hexes[i] as string, v);
    });
    return out;
  }

  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #need<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('App: call init() first (or the app is closed)');
    return value;
  }
}

/** The tree's change set (hex accountKey -> valueHash) for accounts by hex address. */
export function treeChanges(accounts: ReadonlyMap<string, Account>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [hex, account] of accounts) out.set(toHex(accountKey(fromHex(hex))), valueHash(account));
  return out;
}

/** Governance may depend on the block time (REL-4), so the time is part of what an execution is reused for. */
function executionKey(txRoot: Uint8Array, proposer: Uint8Array, timeMs: bigint): string {
  return `${toHex(txRoot)}:${toHex(proposer)}:${timeMs}`;
}

function blockResult(executed: Executed): BlockResult {
  return { appHash: executed.update.root, fees: executed.execution.fees, txResults: executed.results };
}

/** BLK-9 as far as the state machine needs it: the fees go to a 20-byte address (ADDR-1). */
function checkProposer(address: Uint8Array): void {
  if (address.length !== ADDRESS_BYTES) {
    throw new BabyError(BlockErrorCode.BAD_PROPOSER, `proposer_address is ${address.length} bytes, an address is 20`, {
      rule: 'BLK-9',
    });
  }
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof BabyError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
