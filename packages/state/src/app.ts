/**
 * The application consensus drives (specs/state.md APP-1..APP-5): check tx, prepare/process proposal, finalize
 * block, commit, info; plus the queries RPC needs. Execution is the pure core of execute.ts over accounts
 * prefetched with one `getMany`; storage is store.ts (one batch per block); the state root is tree/. Governance is
 * an optional `Governance` (governance.ts) whose one record the App stores, commits and hands back each block.
 */
import type { Account, Block, Genesis, Params, Tx } from '@babychain/codec';
import {
  BabyError,
  blockHash,
  bytesEqual,
  create,
  evidenceHash,
  MAX_BLOCK_EVIDENCE,
  merkleRoot,
  sha256,
  toHex,
} from '@babychain/codec';
import { type Head, loadHead, treeChanges } from './app-load.ts';
import { type AppMetrics, emptyAppMetrics, lap } from './app-metrics.ts';
import type {
  AccountQuery,
  AccountQueryResult,
  AppInfo,
  AppOptions,
  BlockResult,
  CheckTxResult,
  CommitResult,
  Executed,
  Pending,
  PrepareProposalRequest,
  PrepareProposalResult,
  TxQueryResult,
} from './app-types.ts';
import {
  checkAppHash,
  checkEvidence,
  checkHeight,
  checkProposer,
  checkTime,
  checkTxRoot,
  type Parent,
  validateHeader,
} from './block-checks.ts';
import type { ExecContext, Execution, PrecheckedTx } from './execute.ts';
import {
  checkActionAgainst,
  checkBlockLimits,
  checkDuplicateTxs,
  checkTxAgainst,
  executeBlock,
  executeCandidates,
} from './execute.ts';
import { genesisHash, genesisParams, genesisValidators } from './genesis.ts';
import type { Governance, GovernanceView, Offence } from './governance.ts';
import { actionSpend } from './refusals.ts';
import { rulesFor } from './rules.ts';
import { runContext } from './run-context.ts';
import type { CheckedTx } from './stateless.ts';
import type { HistoryEntry, HistoryQuery } from './store.ts';
import { StateStore } from './store.ts';
import type { StateTreeStats } from './tree/index.ts';
import { accountKey, EMPTY_HASH, type StateTree } from './tree/index.ts';
import { TxVerdicts } from './verdicts.ts';
import { type VersionRules, versionRules } from './version-rules.ts';

const NO_BYTES = new Uint8Array(0);

/** The Babychain v0 application: consensus calls it, RPC queries it. Call `init()` first and `close()` last. */
export class App {
  readonly #options: AppOptions;
  #store: StateStore | undefined;
  #tree: StateTree | undefined;
  #genesis: Genesis | undefined;
  #genesisHash: Uint8Array = NO_BYTES;
  #params: Params | undefined;
  #validators: GovernanceView['validators'] | undefined;
  /** the committed governance record (GOV-3; empty: none) */
  #record: Uint8Array = NO_BYTES;
  /** the committed head: height, state root, block hash and time (BLK-4, BLK-5, BLK-8) */
  #head: Head = { height: 0n, appHash: EMPTY_HASH, blockHash: NO_BYTES, timeMs: 0n };
  #queue: Promise<unknown> = Promise.resolve();
  readonly #verdicts: TxVerdicts;
  readonly #rulesOf: (appVersion: number) => VersionRules;
  /** `#admissionRules()` for the committed height and record it was computed under */
  #nextRules: { readonly height: bigint; readonly record: Uint8Array; readonly rules: VersionRules } | undefined;
  /** executions of this height by `txRoot:proposer` (prepareProposal, processProposal) */
  readonly #executions = new Map<string, Executed>();
  /** blocks of this height that passed processProposal, by block hash */
  readonly #validated = new Map<string, Executed>();
  #pending: Pending | undefined;
  readonly #metrics: AppMetrics = emptyAppMetrics();

  constructor(options: AppOptions) {
    this.#options = options;
    this.#verdicts = new TxVerdicts({
      chainId: () => this.chainId,
      governance: options.governance,
      checkedCacheSize: options.checkedCacheSize ?? 20_000,
      onHit: () => {
        this.#metrics.checkedCacheHits++;
      },
    });
    this.#rulesOf = versionRules(options.rules ?? rulesFor);
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
    const loaded = await loadHead(store, this.#options);
    this.#genesis = loaded.genesis;
    this.#genesisHash = genesisHash(loaded.genesis);
    this.#setRecord(loaded.record);
    this.#tree = loaded.tree;
    this.#head = loaded.head;
  }

  /** Makes `record` the committed record and the params in force its (GOV-3), or the genesis's. */
  #setRecord(record: Uint8Array): void {
    const view = this.#options.governance?.view(record);
    this.#params = view?.params ?? genesisParams(this.genesis);
    const genesisSet = genesisValidators(this.genesis);
    this.#validators = view?.validators ?? { last: genesisSet, current: genesisSet, next: genesisSet };
    this.#record = record;
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

  /** VAL-3: the sets of the committed height, of the next and of the one after (the genesis's without governance). */
  validatorSets(): GovernanceView['validators'] {
    return this.#need(this.#validators);
  }

  /** The committed governance record (GOV-3), a copy; empty bytes while governance has never been used. */
  governanceRecord(): Uint8Array {
    this.#need(this.#store);
    return this.#record.slice();
  }

  /** BLK-3 / UPG-3: the header version of the block at `height` under the committed record (0 without governance). */
  headerVersion(height: bigint): number {
    this.#need(this.#store);
    return this.#options.governance?.versionAt(this.#record, height) ?? this.genesis.appVersion;
  }

  /** UPG-3: the rules in force for the block at `height` under the committed record. */
  #rulesAt(height: bigint): VersionRules {
    return this.#rulesOf(this.headerVersion(height));
  }

  /** Cumulative counters and timings since the app was created (metrics, benchmarks). */
  get metrics(): Readonly<AppMetrics & { tree: Readonly<StateTreeStats> | undefined }> {
    return { ...this.#metrics, tree: this.#tree?.stats };
  }

  /** APP-5: the last committed height and state root, for consensus to replay what the state machine lacks. */
  info(): AppInfo {
    this.#need(this.#store);
    return {
      height: this.#head.height,
      appHash: this.#head.appHash.slice(),
      lastBlockHash: this.#head.blockHash.slice(),
      genesisHash: this.#genesisHash.slice(),
    };
  }

  /**
   * APP-1: TX-1..TX-13, then STATE-3 (lower nonce: replay; higher: accepted, a gap), STATE-4 and STATE-5 against
   * the last committed state. Throws the first failing rule's BabyError.
   */
  async checkTx(bytes: Uint8Array): Promise<CheckTxResult> {
    const store = this.#need(this.#store);
    const checked = this.#verdicts.check(bytes, sha256(bytes), this.#admissionRules());
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
      height: this.#head.height + 1n,
      timeMs: this.#head.timeMs + 1n,
    });
  }

  /**
   * TX-1..TX-13 alone (throws the first failing rule's BabyError). A transaction that passes is remembered, so a
   * proposal or block holding it later does not verify its signatures again: a mempool's admission check should
   * come through here.
   */
  checkTxStateless(bytes: Uint8Array): CheckedTx {
    const checked = this.#verdicts.check(bytes, sha256(bytes), this.#admissionRules());
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
    if (verifier !== undefined) await this.#verdicts.checkMany(batch, this.#admissionRules(), verifier);
  }

  /**
   * APP-2: executes the candidates in order on a scratch copy of the committed state, leaves out those that fail,
   * stops at the block limits, and returns the chosen transactions with the tx root and app hash for the header.
   * The header's version is the caller's to set: `headerVersion(height)`. Governance's `UPG_NEEDED` propagates.
   */
  prepareProposal(req: PrepareProposalRequest): Promise<PrepareProposalResult> {
    return this.#locked(async () => {
      const parent = this.#parent();
      checkHeight(req.height, parent);
      checkTime(req.timeMs, parent);
      checkProposer(req.proposerAddress);
      const params = this.params;
      const limits = { maxTxs: params.maxBlockTxs, maxBytes: Number(params.maxBlockBytes) };
      const ids = req.candidates.map((bytes) => sha256(bytes));
      const evidence = this.#keptEvidence(req.height, req.evidence ?? []);
      const at = { ...req, offences: evidence.map((e) => e.offence) };
      const { prechecked, execution } = await this.#run(req.candidates, ids, at, (txs, base, ctx) =>
        executeCandidates(txs, base, ctx, limits),
      );
      const chosen = execution.results.map((r) => (prechecked[r.index] as { tx: CheckedTx }).tx);
      const txRoot = merkleRoot(chosen.map((t) => t.id));
      const executed = await this.#finishExecution(chosen, execution);
      const kept = evidence.map((e) => e.evidence);
      this.#executions.set(executionKey(txRoot, evidenceHash(kept), req.proposerAddress, req.timeMs), executed);
      return {
        txs: chosen.map((t) => t.bytes),
        txRoot,
        evidence: kept,
        appHash: executed.update.root,
        skipped: execution.skipped.map((s) => ({ index: s.index, ...describeError(s.error) })),
      };
    });
  }

  /** APP-2, VAL-9: the evidence a proposal keeps, in order, at most MAX_BLOCK_EVIDENCE (none without governance). */
  #keptEvidence<E extends { readonly offence: Offence }>(height: bigint, evidence: readonly E[]): E[] {
    const governance = this.#options.governance;
    if (governance === undefined || evidence.length === 0) return [];
    const admitted = governance.admitOffences(
      this.#record,
      height,
      evidence.map((e) => e.offence),
    );
    return evidence.filter((_, i) => admitted[i] === true).slice(0, MAX_BLOCK_EVIDENCE);
  }

  /**
   * APP-3: accepts a proposed block only if it passes BLK-3..BLK-11, VAL-9 and STATE-2; throws the first failure's
   * BabyError (BLOCK_*, VAL_* or the failing transaction's code with `meta.txIndex`), or governance's `UPG_NEEDED`
   * unchanged. `offences` are consensus's reading of the block's evidence, one per piece in order (CONS-13). The
   * result is kept for `finalizeBlock` of the same block.
   */
  processProposal(block: Block, offences: readonly Offence[] = []): Promise<BlockResult> {
    return this.#locked(async () => {
      const { executed } = await this.#process(block, offences);
      return blockResult(executed);
    });
  }

  /** APP-4: executes a decided block (reusing processProposal's result) and holds it for `commit`. */
  finalizeBlock(block: Block, offences: readonly Offence[] = []): Promise<BlockResult> {
    return this.#locked(async () => {
      const header = block.header ?? create('babychain.v0.Header');
      const hash = blockHash(header);
      let executed = this.#validated.get(toHex(hash));
      if (executed === undefined) executed = (await this.#process(block, offences)).executed;
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
      this.#head = {
        height: header.height,
        appHash: executed.update.root,
        blockHash: pending.hash,
        timeMs: header.timeMs,
      };
      this.#pending = undefined;
      this.#executions.clear();
      this.#validated.clear();
      return { height: header.height, appHash: executed.update.root.slice(), changes: executed.execution.changes };
    });
  }

  async #process(block: Block, offences: readonly Offence[]): Promise<{ hash: Uint8Array; executed: Executed }> {
    const header = block.header ?? create('babychain.v0.Header');
    const params = this.params;
    validateHeader(block, header, this.#parent(), this.headerVersion(header.height));
    checkBlockLimits(block.txs, params);
    const ids = block.txs.map((t) => sha256(t));
    const txRoot = merkleRoot(ids);
    checkTxRoot(header, txRoot);
    checkDuplicateTxs(ids);
    checkEvidence(block, header, this.#options.governance === undefined ? 0 : MAX_BLOCK_EVIDENCE);
    if (offences.length !== block.evidence.length) {
      throw new Error(`App: ${offences.length} offences given for ${block.evidence.length} pieces of evidence`);
    }
    const key = executionKey(txRoot, header.evidenceHash, header.proposerAddress, header.timeMs);
    let executed = this.#executions.get(key);
    if (executed === undefined) {
      const at = { height: header.height, timeMs: header.timeMs, proposerAddress: header.proposerAddress, offences };
      const { prechecked, execution } = await this.#run(block.txs, ids, at, executeBlock);
      executed = await this.#finishExecution(
        prechecked.map((p) => (p as { tx: CheckedTx }).tx),
        execution,
      );
      this.#executions.set(key, executed);
    }
    checkAppHash(header, executed.update.root);
    const hash = blockHash(header);
    this.#validated.set(toHex(hash), executed);
    return { hash, executed };
  }

  /**
   * Executes `txs` on the committed state with `execute`, timing each phase: the stateless checks under the rules of
   * `at.height` (remembered verdicts are reused), one read of every account the block may touch, then the run.
   */
  async #run(
    txs: readonly Uint8Array[],
    ids: readonly Uint8Array[],
    at: {
      readonly height: bigint;
      readonly timeMs: bigint;
      readonly proposerAddress: Uint8Array;
      readonly offences: readonly Offence[];
    },
    execute: (prechecked: readonly PrecheckedTx[], base: Map<string, Account>, ctx: ExecContext) => Execution,
  ): Promise<{ prechecked: PrecheckedTx[]; execution: Execution }> {
    const m = this.#metrics;
    let t = performance.now();
    const rules = this.#rulesAt(at.height);
    const prechecked = txs.map((bytes, i) => this.#verdicts.check(bytes, ids[i] as Uint8Array, rules));
    t = lap(m, 'precheckMs', t);
    const store = this.#need(this.#store);
    const run = { ...at, minFee: this.params.minFee, record: this.#record };
    const { base, ctx } = await runContext(store, this.#options.governance, prechecked, run);
    t = lap(m, 'accountsMs', t);
    const execution = execute(prechecked, base, ctx);
    lap(m, 'executeMs', t);
    return { prechecked, execution };
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

  /** The committed account of an address (null: never credited), optionally with its StateProof. */
  account(address: Uint8Array, query: AccountQuery = {}): Promise<AccountQueryResult> {
    return this.#locked(async () => {
      const store = this.#need(this.#store);
      const account = (await store.account(address)) ?? null;
      const base = { address, account, height: this.#head.height, appHash: this.#head.appHash.slice() };
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
    return this.#need(this.#store).blockByHash(hash);
  }

  /** A committed transaction by id (TX-4), with where it is. */
  async tx(id: Uint8Array): Promise<TxQueryResult | undefined> {
    return this.#need(this.#store).tx(id);
  }

  /** Transfers an address sent or received, newest first. */
  async accountHistory(address: Uint8Array, query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    return this.#need(this.#store).history(address, query);
  }

  /**
   * Mempool admission checks under the rules of the block the transaction can enter first: the next one, which may
   * be the first under a new app version (UPG-3).
   */
  #admissionRules(): VersionRules {
    // Asked once per admitted transaction; the answer changes only with the committed height or record.
    const cached = this.#nextRules;
    const height = this.#head.height;
    if (cached?.height === height && cached.record === this.#record) return cached.rules;
    const rules = this.#rulesAt(height + 1n);
    this.#nextRules = { height, record: this.#record, rules };
    return rules;
  }

  /** The committed head a block builds on (BLK-4, BLK-5, BLK-8). */
  #parent(): Parent {
    return { chainId: this.chainId, ...this.#head };
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

/** Governance may depend on the block time (REL-4), so the time is part of what an execution is reused for. */
function executionKey(txRoot: Uint8Array, evidence: Uint8Array, proposer: Uint8Array, timeMs: bigint): string {
  return `${toHex(txRoot)}:${toHex(evidence)}:${toHex(proposer)}:${timeMs}`;
}

function blockResult(executed: Executed): BlockResult {
  return { appHash: executed.update.root, fees: executed.execution.fees, txResults: executed.results };
}

function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof BabyError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
