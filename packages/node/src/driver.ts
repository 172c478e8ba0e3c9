/**
 * Drives the pure consensus engine for one height after another (specs/consensus.md): feeds it verified
 * proposals, votes and timeouts, acts on what it asks (propose, sign a vote through the double-sign guard, log,
 * broadcast, schedule a timeout, commit a decision), replays the WAL after a restart, and catches up from peers
 * (round catch-up inside a height, block sync across heights). Every input goes through one queue, so the engine
 * and the application see one event at a time.
 */
import type {
  Block,
  BlocksResponse,
  CatchUpResponse,
  CertifiedBlock,
  Commit,
  ConsensusMessage,
  Header,
  Proposal,
  RoundStep,
  SignedProposal,
  Vote,
  WalRecord,
} from '@babychain/codec';
import { BabyError, blockHash, bytesEqual, commitHash, create, encode, isBabyError, toHex } from '@babychain/codec';
import type {
  AppCommit,
  ConsensusApp,
  DoubleSignGuard,
  EngineInput,
  EngineOutput,
  StepValue,
  TimeoutParams,
  TimeoutStepValue,
  ValidatorSet,
  VoteTypeValue,
  Wal,
} from '@babychain/consensus';
import {
  ConsensusEngine,
  NO_ROUND,
  Step,
  VoteType,
  verifyCommit,
  verifyEvidence,
  verifyProposal,
  verifyVote,
} from '@babychain/consensus';
import type { Logger } from '@babychain/util';
import { DurationWindow } from '@babychain/util';
import type { ChainStore } from './chain-store.ts';
import { NodeErrorCode } from './errors.ts';

/** CONS-6: a proposal whose block time is further ahead of this node's clock is not valid (prevote nil). */
export const MAX_CLOCK_DRIFT_MS = 5000n;
/** Blocks asked for per block-sync request (P2P-5). */
const SYNC_BATCH = 20;
/** Messages held for the next height while this one finishes. */
const MAX_FUTURE_MESSAGES = 4000;
/** How often a node announces where it is (P2P-4) and looks for peers ahead of it. */
export const ROUND_STEP_INTERVAL_MS = 1000;
/** Votes and proposals this many rounds beyond the current one are dropped: the engine keeps what it is given. */
const MAX_ROUNDS_AHEAD = 64;
/** A node whose step has not changed for this long asks a peer at its height for what it holds (P2P-6). */
const STUCK_MS = 1500;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** What the driver needs from the network (P2P chapter); the node maps it onto libp2p. */
export interface ConsensusNetwork {
  broadcast(message: ConsensusMessage): void;
  requestBlocks(peer: string, fromHeight: bigint, maxBlocks: number): Promise<BlocksResponse>;
  requestCatchUp(peer: string, height: bigint, round: number): Promise<CatchUpResponse>;
  penalize(peer: string, points: number, reason: string): void;
}

export interface SelfValidator {
  readonly index: number;
  readonly address: Uint8Array;
  readonly guard: DoubleSignGuard;
}

export interface CommittedBlock {
  readonly block: Block;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly result: AppCommit;
  /** how the node learned the decision */
  readonly via: 'consensus' | 'sync' | 'replay';
}

export interface DriverOptions {
  readonly chainId: string;
  readonly validators: ValidatorSet;
  readonly self?: SelfValidator;
  /** the state machine, through consensus's own connection to it */
  readonly app: ConsensusApp;
  readonly chain: ChainStore;
  readonly wal: Wal;
  readonly network: ConsensusNetwork;
  readonly timeouts: TimeoutParams;
  readonly commitWaitMs: number;
  readonly clock?: Clock;
  readonly logger: Logger;
  /** transactions for a new block, in mempool order */
  readonly reap: (limits: { maxBytes: number; maxTxs: number }) => Uint8Array[];
  /** after each committed block (mempool update, metrics) */
  readonly onCommitted: (committed: CommittedBlock) => void;
  /**
   * UPG-4: the upgrade this software cannot run that is due at `height`, if any. The driver neither executes,
   * proposes nor votes at that height: it calls `onUpgradeHalt` once and stops.
   */
  readonly upgradeDue?: (height: bigint) => UpgradeHalt | undefined;
  readonly onUpgradeHalt?: (halt: UpgradeHalt) => void;
}

/** A scheduled upgrade this node stopped for (UPG-4). */
export interface UpgradeHalt {
  readonly name: string;
  readonly height: bigint;
  readonly appVersion: number;
}

export interface DriverStatus {
  /** last committed height */
  readonly height: bigint;
  readonly round: number;
  readonly step: 'propose' | 'prevote' | 'precommit' | 'commit' | 'sync';
  readonly syncing: boolean;
  readonly evidence: number;
  readonly blockTimeMs: ReturnType<DurationWindow['summary']>;
  readonly finalityMs: ReturnType<DurationWindow['summary']>;
}

type Verdict = 'accept' | 'reject' | 'ignore';
type Engine = ConsensusEngine<Block>;

const STEP_NAMES: Record<number, DriverStatus['step']> = {
  [Step.PROPOSE]: 'propose',
  [Step.PREVOTE]: 'prevote',
  [Step.PRECOMMIT]: 'precommit',
  [Step.COMMIT]: 'commit',
};

export class ConsensusDriver {
  readonly #o: DriverOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** the height being decided: last committed + 1 */
  #height = 0n;
  #engine: Engine | undefined;
  #lastCommit: Commit | undefined;
  #lastHeader: Header | undefined;
  #lastHash: Uint8Array = new Uint8Array(0);
  readonly #timers = new Set<unknown>();
  #announceTimer: unknown;
  #future: { height: bigint; run: () => Promise<void> }[] = [];
  #syncing = false;
  #stepChangedAt = 0;
  readonly #catchUpAsked = new Map<string, number>();
  /** proposals and votes the current height's engine has been given (proposalKey, voteKey) */
  readonly #seen = new Set<string>();
  #evidence = 0;
  #halted: UpgradeHalt | undefined;
  readonly #blockTimes = new DurationWindow();
  readonly #finality = new DurationWindow();

  constructor(options: DriverOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
  }

  /** Replays a decided-but-unapplied block, then enters the next height (replaying its WAL). */
  start(): Promise<void> {
    return this.#enqueueOrThrow(async () => {
      this.#evidence = (await this.#o.chain.evidence()).length;
      const app = this.#o.app;
      let info = app.info();
      const decided = await this.#o.chain.decided();
      const decidedHeight = decided?.block?.header?.height;
      if (decided !== undefined && decidedHeight === info.height + 1n) {
        this.#log.info('applying the block decided before the restart', { height: String(decidedHeight) });
        await this.#apply(decided, 'replay');
        info = app.info();
      }
      if (info.height > 0n) {
        const commit = await this.#o.chain.commit(info.height);
        if (commit === undefined) {
          throw new BabyError(NodeErrorCode.MISSING_COMMIT, `no commit is stored for the head height ${info.height}`);
        }
        this.#lastCommit = commit;
        this.#lastHeader = (await app.blockByHeight(info.height))?.header;
        this.#lastHash = info.lastBlockHash;
      }
      await this.#enterHeight(info.height + 1n);
      this.#scheduleAnnounce();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimers();
    this.#clock.clearTimeout(this.#announceTimer);
    await this.#queue;
  }

  status(): DriverStatus {
    const s = this.#engine?.state;
    return {
      height: this.#height - 1n,
      round: s?.round ?? 0,
      step: this.#syncing ? 'sync' : (STEP_NAMES[s?.step ?? Step.PROPOSE] ?? 'propose'),
      syncing: this.#syncing,
      evidence: this.#evidence,
      blockTimeMs: this.#blockTimes.summary(),
      finalityMs: this.#finality.summary(),
    };
  }

  // ----------------------------------------------------------------------------------------------------------
  // Network inputs. Signatures are checked before queueing so that gossip forwards only what verifies.
  // ----------------------------------------------------------------------------------------------------------

  /** A message from the consensus topic; the verdict decides whether gossip forwards it. */
  receive(message: ConsensusMessage, from: string): Verdict {
    const m = message.message;
    if (m === undefined) return 'reject';
    switch (m.case) {
      case 'proposal':
        return this.#receiveProposal(m.value, from);
      case 'vote':
        return this.#receiveVote(m.value);
      case 'roundStep':
        this.#onPeerRoundStep(m.value, from);
        return 'accept';
    }
  }

  #receiveProposal(signed: SignedProposal, from: string): Verdict {
    const { proposal, block } = signed;
    if (proposal === undefined || block?.header === undefined) return 'reject';
    if (!this.#inWindow(proposal.height, proposal.round)) return 'ignore';
    try {
      verifyProposal(this.#o.chainId, proposal, this.#o.validators);
    } catch (err) {
      this.#log.debug('proposal refused', { from, code: codeOf(err) });
      return 'reject';
    }
    if (!bytesEqual(blockHash(block.header), proposal.blockHash)) return 'reject';
    this.#forHeight(proposal.height, async () => {
      const engine = this.#engine;
      if (engine === undefined || engine.state.height !== proposal.height || this.#seenBefore(proposalKey(proposal))) {
        return;
      }
      const valid = await this.#validate(block);
      await this.#o.wal.append(proposal.height, walRecord({ case: 'proposal', value: signed }));
      await this.#input({ kind: 'proposal', proposal, block, valid });
    });
    return 'accept';
  }

  #receiveVote(vote: Vote): Verdict {
    if (!this.#inWindow(vote.height, vote.round)) return 'ignore';
    try {
      verifyVote(this.#o.chainId, vote, this.#o.validators);
    } catch {
      return 'reject';
    }
    this.#forHeight(vote.height, async () => {
      if (this.#engine?.state.height !== vote.height || this.#seenBefore(voteKey(vote))) return;
      await this.#o.wal.append(vote.height, walRecord({ case: 'vote', value: vote }));
      await this.#input({ kind: 'vote', vote });
    });
    return 'accept';
  }

  /**
   * True when this height's engine was already given this proposal or vote: re-gossip and catch-up deliver the same
   * messages again, and each would otherwise be logged (and a block judged) once more.
   */
  #seenBefore(key: string): boolean {
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    return false;
  }

  /** Only this height and the next are relayed, and not rounds far beyond the engine's (it keeps what it is given). */
  #inWindow(height: bigint, round: number): boolean {
    if (height < this.#height || height > this.#height + 1n) return false;
    const engine = this.#engine?.state;
    return engine?.height !== height || round <= engine.round + MAX_ROUNDS_AHEAD;
  }

  /** Runs `run` now (queued) when the engine is at `height`; holds it while that height is still to come. */
  #forHeight(height: bigint, run: () => Promise<void>): void {
    if (this.#engine?.state.height === height) {
      void this.#enqueue(run);
    } else if (height >= this.#height && height <= this.#height + 1n && this.#future.length < MAX_FUTURE_MESSAGES) {
      this.#future.push({ height, run });
    }
  }

  #onPeerRoundStep(rs: RoundStep, peer: string): void {
    if (this.#closed) return;
    const stuckFor = this.#clock.now() - this.#stepChangedAt;
    // A peer one height ahead has usually just decided the height whose last precommits are still on their way
    // here: sync only when they do not arrive.
    if (rs.height > this.#height + 1n || (rs.height > this.#height && stuckFor > STUCK_MS)) {
      void this.#sync(peer);
      return;
    }
    const state = this.#engine?.state;
    if (rs.height !== this.#height || state === undefined || state.height !== this.#height) return;
    const ahead = rs.round > state.round;
    const stuck = stuckFor > STUCK_MS && rs.round >= state.round;
    if (!ahead && !stuck) return;
    const last = this.#catchUpAsked.get(peer) ?? 0;
    if (this.#clock.now() - last < STUCK_MS) return;
    this.#catchUpAsked.set(peer, this.#clock.now());
    void this.#catchUp(peer, rs.height, state.round);
  }

  async #catchUp(peer: string, height: bigint, round: number): Promise<void> {
    let response: CatchUpResponse;
    try {
      response = await this.#o.network.requestCatchUp(peer, height, round);
    } catch (err) {
      this.#log.debug('catch-up request failed', { peer, code: codeOf(err) });
      return;
    }
    for (const p of response.proposals) {
      if (this.#receiveProposal(p, peer) === 'reject') this.#o.network.penalize(peer, 20, 'bad catch-up proposal');
    }
    for (const v of response.votes) {
      if (this.#receiveVote(v) === 'reject') this.#o.network.penalize(peer, 20, 'bad catch-up vote');
    }
  }

  /** P2P-6: what this node holds for `height` from `round` on. */
  serveCatchUp(height: bigint, round: number): CatchUpResponse {
    const engine = this.#engine;
    if (engine === undefined || engine.state.height !== height) return { proposals: [], votes: [] };
    return {
      // The latest two rounds' proposals are what a peer can still use; more could pass the response limit.
      proposals: engine
        .proposals(round)
        .slice(-2)
        .map(({ proposal, block }) => ({ proposal, block })),
      votes: engine.votes(round),
    };
  }

  /** P2P-5: committed blocks from `from` with the commits that certify them, within `maxBytes`. */
  async serveBlocks(from: bigint, maxBlocks: number, maxBytes: number): Promise<BlocksResponse> {
    const tip = this.#height - 1n;
    const blocks: CertifiedBlock[] = [];
    let bytes = 0;
    for (let h = from; h <= tip && blocks.length < Math.min(maxBlocks, SYNC_BATCH * 5); h++) {
      const block = await this.#o.app.blockByHeight(h);
      const commit = await this.#o.chain.commit(h);
      if (block === undefined || commit === undefined) break;
      const size = encode('babychain.v0.Block', block).length + 200 * commit.signatures.length;
      if (blocks.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      blocks.push({ block, commit });
    }
    return { blocks, tipHeight: tip };
  }

  // ----------------------------------------------------------------------------------------------------------
  // Block sync (P2P-5)
  // ----------------------------------------------------------------------------------------------------------

  async #sync(peer: string): Promise<void> {
    if (this.#syncing || this.#closed || this.#halted !== undefined) return;
    this.#syncing = true;
    let applied = 0;
    try {
      for (;;) {
        const from = this.#height;
        const response = await this.#o.network.requestBlocks(peer, from, SYNC_BATCH);
        if (response.blocks.length === 0) break;
        if (this.#closed) break;
        const result = await this.#enqueueResult(() => this.#applySynced(response.blocks, from));
        applied += result?.applied ?? 0;
        if (result === undefined || result.failed) {
          if (result?.failed) this.#o.network.penalize(peer, 50, 'invalid block in sync response');
          break;
        }
        if (result.applied === 0 || this.#height - 1n >= response.tipHeight) break;
      }
    } catch (err) {
      this.#log.debug('block sync stopped', { peer, code: codeOf(err) }, err);
    } finally {
      this.#syncing = false;
    }
    if (applied > 0) {
      this.#log.info('synced blocks', { peer, applied, height: String(this.#height - 1n) });
      await this.#enqueue(() => this.#enterHeight(this.#height));
    }
  }

  /** Applies certified blocks starting at `from` until one does not verify; says how many and whether one failed. */
  async #applySynced(blocks: readonly CertifiedBlock[], from: bigint): Promise<{ applied: number; failed: boolean }> {
    let applied = 0;
    if (from !== this.#height) return { applied, failed: false }; // consensus moved on meanwhile
    for (const certified of blocks) {
      const header = certified.block?.header;
      const commit = certified.commit;
      if (header === undefined || commit === undefined || header.height !== this.#height)
        return { applied, failed: true };
      if (this.#halted !== undefined || this.#o.upgradeDue?.(header.height) !== undefined) {
        return { applied, failed: false };
      }
      try {
        verifyCommit(this.#o.chainId, this.#o.validators, header.height, blockHash(header), commit);
        this.#checkHeader(certified.block as Block, { clock: false });
      } catch (err) {
        this.#log.warn('sync block refused', { height: String(header.height), code: codeOf(err) });
        return { applied, failed: true };
      }
      this.#stopHeight();
      try {
        await this.#o.chain.saveDecided(certified);
        await this.#apply(certified, 'sync');
      } catch (err) {
        this.#log.error('a certified block failed to apply', { height: String(header.height), code: codeOf(err) }, err);
        return { applied, failed: true };
      }
      applied++;
    }
    return { applied, failed: false };
  }

  // ----------------------------------------------------------------------------------------------------------
  // Heights
  // ----------------------------------------------------------------------------------------------------------

  /** Starts `height` with a fresh engine, replays its WAL, then acts on what the engine still asks for. */
  async #enterHeight(height: bigint): Promise<void> {
    if (this.#closed) return;
    this.#stopHeight();
    this.#height = height;
    if (this.#haltFor(height)) return;
    this.#seen.clear();
    const engine: Engine = new ConsensusEngine<Block>({
      height,
      validators: this.#o.validators,
      ...(this.#o.self === undefined ? {} : { selfIndex: this.#o.self.index }),
      timeouts: this.#o.timeouts,
    });
    this.#engine = engine;
    const deferred: EngineOutput<Block>[] = [...engine.handle({ kind: 'start' })];
    const records = await this.#o.wal.read(height);
    for (const record of records) {
      const input = await this.#replayInput(record);
      if (input !== undefined) deferred.push(...engine.handle(input));
    }
    if (records.length > 0) {
      this.#log.info('replayed the consensus WAL', { height: String(height), records: records.length });
    }
    await this.#act(deferred.filter((o) => this.#stillWanted(o)));
    const own = this.#o.self?.index;
    if (records.length > 0 && own !== undefined) {
      for (const vote of engine.votes(0))
        if (vote.validatorIndex === own) this.#broadcast({ case: 'vote', value: vote });
    }
    const future = this.#future.filter((f) => f.height === height);
    this.#future = this.#future.filter((f) => f.height > height);
    for (const f of future) void this.#enqueue(f.run);
  }

  /** UPG-4: true (and the halt reported, once) when this software must not run `height`. */
  #haltFor(height: bigint): boolean {
    if (this.#halted !== undefined) return true;
    const due = this.#o.upgradeDue?.(height);
    if (due === undefined) return false;
    this.#halted = due;
    this.#engine = undefined;
    this.#clearTimers();
    // A node's hook reports the halt with its upgrade-info file; logged here only when nobody else will.
    if (this.#o.onUpgradeHalt !== undefined) this.#o.onUpgradeHalt(due);
    else {
      this.#log.error('halting for an upgrade this software does not have', {
        code: 'UPG_NEEDED',
        plan: due.name,
        height: String(due.height),
        appVersion: due.appVersion,
      });
    }
    return true;
  }

  async #replayInput(record: WalRecord): Promise<EngineInput<Block> | undefined> {
    const r = record.record;
    if (r === undefined) return undefined;
    switch (r.case) {
      case 'proposal': {
        const { proposal, block } = r.value;
        if (proposal === undefined || block === undefined || this.#seenBefore(proposalKey(proposal))) return undefined;
        return { kind: 'proposal', proposal, block, valid: await this.#validate(block) };
      }
      case 'vote':
        return this.#seenBefore(voteKey(r.value)) ? undefined : { kind: 'vote', vote: r.value };
      case 'timeout':
        return { kind: 'timeout', step: r.value.step as 1 | 2 | 3, height: r.value.height, round: r.value.round };
    }
  }

  /** After a replay: skip what the WAL shows was already done, and timeouts of rounds already left. */
  #stillWanted(o: EngineOutput<Block>): boolean {
    const engine = this.#engine;
    if (engine === undefined) return false;
    const s = engine.state;
    switch (o.kind) {
      case 'propose':
        return o.round === s.round && engine.proposals(o.round).every((p) => p.proposal.round !== o.round);
      case 'vote': {
        const own = this.#o.self?.index;
        return !engine.votes(o.round).some((v) => v.validatorIndex === own && v.round === o.round && v.type === o.type);
      }
      case 'scheduleTimeout':
        return o.round >= s.round;
      default:
        return true;
    }
  }

  #stopHeight(): void {
    this.#clearTimers();
    this.#engine = undefined;
  }

  // ----------------------------------------------------------------------------------------------------------
  // Engine outputs
  // ----------------------------------------------------------------------------------------------------------

  async #input(input: EngineInput<Block>): Promise<void> {
    const engine = this.#engine;
    if (engine === undefined) return;
    await this.#act(engine.handle(input));
  }

  async #act(outputs: readonly EngineOutput<Block>[]): Promise<void> {
    for (const o of outputs) {
      if (this.#closed) return;
      switch (o.kind) {
        case 'roundStep':
          this.#stepChangedAt = this.#clock.now();
          this.#announce(o.step);
          break;
        case 'scheduleTimeout':
          this.#schedule(o.step, o.height, o.round, o.ms);
          break;
        case 'propose':
          await this.#propose(o.height, o.round, o.validRound, o.block);
          break;
        case 'vote':
          await this.#castVote(o.type, o.height, o.round, o.blockHash);
          break;
        case 'decide':
          await this.#decide(o.block, o.commit);
          break;
        case 'evidence':
          await this.#recordEvidence(o.evidence);
          break;
      }
    }
  }

  #schedule(step: TimeoutStepValue, height: bigint, round: number, ms: number): void {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      void this.#enqueue(async () => {
        if (this.#engine?.state.height !== height) return;
        await this.#o.wal.append(height, walRecord({ case: 'timeout', value: { height, round, step } }));
        await this.#input({ kind: 'timeout', step, height, round });
      });
    }, ms);
    this.#timers.add(handle);
  }

  /** `validRound` is the engine's vr (NO_ROUND for none); the wire's pol_round is vr + 1, 0 for none (CONS-6). */
  async #propose(height: bigint, round: number, validRound: number, valid: Block | undefined): Promise<void> {
    const self = this.#o.self;
    if (self === undefined) return;
    const block = valid ?? (await this.#buildBlock(height, self.address));
    const header = block.header as Header;
    const hash = blockHash(header);
    const wirePolRound = validRound === NO_ROUND ? 0 : validRound + 1;
    let signed: { signature: Uint8Array; timeMs: bigint };
    try {
      signed = await self.guard.sign({
        step: Step.PROPOSE,
        height,
        round,
        blockHash: hash,
        timeMs: BigInt(this.#clock.now()),
        polRound: wirePolRound,
      });
    } catch (err) {
      this.#log.warn('not proposing: the double-sign guard refused', {
        height: String(height),
        round,
        code: codeOf(err),
      });
      return;
    }
    const proposal = create('babychain.v0.Proposal', {
      height,
      round,
      polRound: wirePolRound,
      blockHash: hash,
      timeMs: signed.timeMs,
      signature: signed.signature,
    });
    const message: SignedProposal = { proposal, block };
    await this.#o.wal.append(height, walRecord({ case: 'proposal', value: message }), { sync: true });
    this.#seenBefore(proposalKey(proposal));
    this.#broadcast({ case: 'proposal', value: message });
    await this.#input({ kind: 'proposal', proposal, block, valid: true });
    this.#log.debug('proposed', { height: String(height), round, txs: block.txs.length });
  }

  async #buildBlock(height: bigint, proposer: Uint8Array): Promise<Block> {
    const app = this.#o.app;
    const params = app.params;
    const parentTime = this.#lastHeader?.timeMs ?? app.genesis.genesisTimeMs;
    const now = BigInt(this.#clock.now());
    const timeMs = now > parentTime ? now : parentTime + 1n;
    const candidates = this.#o.reap({ maxBytes: Number(params.maxBlockBytes), maxTxs: params.maxBlockTxs });
    const prepared = await app.prepareProposal({ height, timeMs, proposerAddress: proposer, candidates });
    const lastCommit = this.#lastCommit;
    const header = create('babychain.v0.Header', {
      version: app.headerVersion(height),
      chainId: this.#o.chainId,
      height,
      timeMs,
      lastBlockHash: this.#lastHash,
      lastCommitHash: lastCommit === undefined ? new Uint8Array(0) : commitHash(lastCommit),
      txRoot: prepared.txRoot,
      validatorsHash: this.#o.validators.hash,
      nextValidatorsHash: this.#o.validators.hash,
      appHash: prepared.appHash,
      proposerAddress: proposer,
    });
    return create('babychain.v0.Block', {
      header,
      txs: prepared.txs,
      ...(lastCommit === undefined ? {} : { lastCommit }),
    });
  }

  async #castVote(type: VoteTypeValue, height: bigint, round: number, hash: Uint8Array): Promise<void> {
    const self = this.#o.self;
    if (self === undefined) return;
    let signed: { signature: Uint8Array; timeMs: bigint };
    try {
      signed = await self.guard.sign({
        step: type === VoteType.PREVOTE ? Step.PREVOTE : Step.PRECOMMIT,
        height,
        round,
        blockHash: hash,
        timeMs: BigInt(this.#clock.now()),
      });
    } catch (err) {
      this.#log.warn('not voting: the double-sign guard refused', { height: String(height), round, code: codeOf(err) });
      return;
    }
    const vote = create('babychain.v0.Vote', {
      type,
      height,
      round,
      blockHash: hash,
      timeMs: signed.timeMs,
      validatorIndex: self.index,
      signature: signed.signature,
    });
    await this.#o.wal.append(height, walRecord({ case: 'vote', value: vote }), { sync: true });
    this.#seenBefore(voteKey(vote));
    // Broadcast before feeding it back: a precommit that completes a quorum here would otherwise leave only after
    // this node has stored and applied the block.
    this.#broadcast({ case: 'vote', value: vote });
    await this.#input({ kind: 'vote', vote });
  }

  async #decide(block: Block, commit: Commit): Promise<void> {
    const height = commit.height;
    this.#clearTimers();
    await this.#o.chain.saveDecided({ block, commit });
    await this.#apply({ block, commit }, 'consensus');
    // The commit wait gathers late precommits for the next proposal's last_commit. Before a height this software
    // must not run (UPG-4) there is no such proposal here, so it halts at once and its successor starts sooner.
    const waitMs = this.#o.upgradeDue?.(height + 1n) === undefined ? this.#o.commitWaitMs : 0;
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      void this.#enqueue(() => (this.#height === height + 1n ? this.#enterHeight(this.#height) : Promise.resolve()));
    }, waitMs);
    this.#timers.add(handle);
  }

  #clearTimers(): void {
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }

  /** Applies a decided block to the state machine and moves the head (the engine of the old height stays for catch-up). */
  async #apply(certified: CertifiedBlock, via: CommittedBlock['via']): Promise<void> {
    const block = certified.block as Block;
    const header = block.header as Header;
    const app = this.#o.app;
    await app.finalizeBlock(block);
    const result = await app.commit();
    const hash = blockHash(header);
    if (via === 'consensus' && this.#lastHeader !== undefined) {
      this.#blockTimes.add(Number(header.timeMs - this.#lastHeader.timeMs));
    }
    if (via === 'consensus') this.#finality.add(Math.max(0, this.#clock.now() - Number(header.timeMs)));
    this.#lastCommit = certified.commit;
    this.#lastHeader = header;
    this.#lastHash = hash;
    this.#height = header.height + 1n;
    await this.#o.wal.prune(header.height);
    this.#o.onCommitted({ block, header, hash, result, via });
    this.#log.info('committed', {
      height: String(header.height),
      hash: toHex(hash),
      txs: block.txs.length,
      round: certified.commit?.round ?? 0,
      via,
    });
  }

  /** CONS-8 for the commit a block carries for its parent (the application checks the links, BLK-8). */
  #checkLastCommit(block: Block): void {
    const header = block.header as Header;
    if (header.height === 1n) return;
    const last = block.lastCommit;
    if (last === undefined) throw new BabyError(NodeErrorCode.BAD_BLOCK, 'the block has no last commit');
    verifyCommit(this.#o.chainId, this.#o.validators, header.height - 1n, header.lastBlockHash, last);
  }

  /**
   * CONS-6's consensus-level header checks (the application checks the rest): the validator set hash, a validator
   * as proposer, the parent's commit (CONS-8) and, for a proposal, the block time against this node's clock.
   */
  #checkHeader(block: Block, options: { clock: boolean }): void {
    const header = block.header as Header;
    const set = this.#o.validators;
    if (!bytesEqual(header.validatorsHash, set.hash) || !bytesEqual(header.nextValidatorsHash, set.hash)) {
      throw new BabyError(NodeErrorCode.BAD_BLOCK, 'validators_hash is not the validator set hash');
    }
    if (set.indexOfAddress(header.proposerAddress) < 0) {
      throw new BabyError(NodeErrorCode.BAD_BLOCK, 'the proposer is not a validator');
    }
    if (options.clock && header.timeMs > BigInt(this.#clock.now()) + MAX_CLOCK_DRIFT_MS) {
      throw new BabyError(NodeErrorCode.BAD_BLOCK, 'the block time is too far ahead of this node');
    }
    this.#checkLastCommit(block);
  }

  /** CONS-6: the application's verdict on a proposed block plus the consensus-level header checks. */
  async #validate(block: Block): Promise<boolean> {
    const header = block.header;
    if (header === undefined) return false;
    try {
      this.#checkHeader(block, { clock: true });
      await this.#o.app.processProposal(block);
      return true;
    } catch (err) {
      this.#log.warn('proposed block is invalid', { height: String(header.height), code: codeOf(err) });
      return false;
    }
  }

  async #recordEvidence(evidence: Parameters<ChainStore['addEvidence']>[1]): Promise<void> {
    try {
      verifyEvidence(this.#o.chainId, this.#o.validators, evidence);
    } catch (err) {
      this.#log.error('the engine produced evidence that does not verify', { code: codeOf(err) });
      return;
    }
    const height = evidence.voteA?.height ?? this.#height;
    this.#evidence = await this.#o.chain.addEvidence(height, evidence);
    this.#log.warn('equivocation', {
      height: String(height),
      validator: evidence.voteA?.validatorIndex ?? 0,
      round: evidence.voteA?.round ?? 0,
    });
  }

  // ----------------------------------------------------------------------------------------------------------
  // Announcements (P2P-4)
  // ----------------------------------------------------------------------------------------------------------

  #announce(step?: StepValue): void {
    const s = this.#engine?.state;
    const roundStep: RoundStep = {
      height: s?.height ?? this.#height,
      round: s?.round ?? 0,
      step: step ?? s?.step ?? Step.PROPOSE,
      timeMs: BigInt(this.#clock.now()),
    };
    this.#broadcast({ case: 'roundStep', value: roundStep });
  }

  #scheduleAnnounce(): void {
    if (this.#closed) return;
    this.#announceTimer = this.#clock.setTimeout(() => {
      this.#announce();
      this.#scheduleAnnounce();
    }, ROUND_STEP_INTERVAL_MS);
  }

  #broadcast(message: ConsensusMessage['message']): void {
    if (this.#closed || message === undefined) return;
    this.#o.network.broadcast({ message });
  }

  // ----------------------------------------------------------------------------------------------------------

  /** Queues `fn`; a failure is logged and the queue goes on (the returned promise never rejects). */
  #enqueue(fn: () => Promise<void>): Promise<void> {
    this.#queue = this.#enqueueOrThrow(fn).catch((err: unknown) => {
      this.#log.error('consensus step failed', { code: codeOf(err) }, err);
    });
    return this.#queue;
  }

  #enqueueOrThrow(fn: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      if (this.#closed) return;
      await fn();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Queues `fn` and gives its result; undefined when the driver closed before it ran. */
  #enqueueResult<T>(fn: () => Promise<T>): Promise<T | undefined> {
    let result: T | undefined;
    return this.#enqueueOrThrow(async () => {
      result = await fn();
    }).then(() => result);
  }
}

function proposalKey(p: Proposal): string {
  return `p:${p.round}:${p.polRound}:${toHex(p.blockHash)}`;
}

function voteKey(v: Vote): string {
  return `v:${v.type}:${v.round}:${v.validatorIndex}:${toHex(v.blockHash)}`;
}

function walRecord(record: NonNullable<WalRecord['record']>): WalRecord {
  return { record };
}

function codeOf(err: unknown): string {
  return isBabyError(err) ? err.code : err instanceof Error ? err.message : String(err);
}
