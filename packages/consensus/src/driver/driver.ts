/**
 * Drives the pure consensus engine for one height after another (specs/consensus.md): feeds it verified proposals,
 * votes and timeouts, and acts on what it asks (propose, sign a vote through the double-sign guard, log to the WAL,
 * broadcast, schedule a timeout, commit a decision through the block executor). After a restart it replays the WAL
 * (CONS-10, CONS-12). Block sync and round catch-up have files of their own; every input goes through one queue.
 */
import type { Block, Commit, ConsensusMessage, RoundStep, SignedProposal, WalRecord } from '@babychain/codec';
import { blockHash, create } from '@babychain/codec';
import type { Logger } from '@babychain/util';
import { ConsensusEngine } from '../engine.ts';
import type { DoubleSignGuard } from '../guard.ts';
import { verifyEvidence } from '../signing.ts';
import type { EngineInput, EngineOutput, StepValue, TimeoutStepValue, VoteTypeValue } from '../types.ts';
import { NO_ROUND, Step, VoteType } from '../types.ts';
import type { ValidatorSet } from '../validators.ts';
import { RoundCatchUp } from './catch-up.ts';
import { type Clock, systemClock } from './clock.ts';
import { codeOf } from './code-of.ts';
import { BlockExecutor } from './executor.ts';
import { MessageIntake, proposalKey, voteKey, walRecord } from './intake.ts';
import type { ConsensusHandlers, Verdict } from './network.ts';
import { type DriverOptions, type DriverStatus, type SelfValidator, STEP_NAMES, type UpgradeHalt } from './options.ts';
import { SerialQueue } from './queue.ts';
import type { ConsensusStore } from './store.ts';
import { BlockSync } from './sync.ts';

/** How often a node announces its round step (P2P-4) when nothing else moves. */
export const ROUND_STEP_INTERVAL_MS = 1000;

type Engine = ConsensusEngine<Block>;

export class ConsensusDriver implements ConsensusHandlers {
  readonly #o: DriverOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #queue: SerialQueue;
  readonly #executor: BlockExecutor;
  readonly #sync: BlockSync;
  readonly #catchUp: RoundCatchUp;
  readonly #intake: MessageIntake;
  #closed = false;
  #engine: Engine | undefined;
  readonly #timers = new Set<unknown>();
  #announceTimer: unknown;
  #stepChangedAt = 0;
  #evidence = 0;
  #halted: UpgradeHalt | undefined;
  /** VAL-3: the set of the engine's height and this node's index in it (undefined: it does not sign that height) */
  #engineSet: { readonly validators: ValidatorSet; readonly selfIndex: number | undefined } | undefined;

  /** the height being decided: the last committed + 1 */
  get #height(): bigint {
    return this.#executor.nextHeight;
  }

  constructor(options: DriverOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger;
    this.#queue = new SerialQueue(this.#log);
    const { chainId, app, store, network } = options;
    this.#executor = new BlockExecutor({
      chainId,
      app,
      store,
      wal: options.wal,
      clock: this.#clock,
      logger: this.#log,
      reap: options.reap,
      onCommitted: options.onCommitted,
      onEvidenceHeld: (count) => {
        this.#evidence = count;
      },
    });
    const queue = this.#queue;
    const logger = this.#log;
    this.#sync = new BlockSync({
      chainId,
      app,
      store,
      network,
      executor: this.#executor,
      queue,
      logger,
      driver: {
        closed: () => this.#closed,
        halted: () => this.#halted !== undefined,
        upgradeDue: (height) => options.upgradeDue?.(height) !== undefined,
        stopHeight: () => this.#stopHeight(),
        enterHeight: (height) => this.#enterHeight(height),
      },
    });
    this.#intake = new MessageIntake({
      chainId,
      wal: options.wal,
      queue,
      logger,
      driver: {
        height: () => this.#height,
        engine: () => this.#engine,
        judge: (block) => this.#executor.judge(block),
        setFor: (height) => this.#executor.setFor(height),
        lastSet: () => (this.#executor.nextHeight > 1n ? this.#executor.sets.previous : undefined),
        input: (input) => this.#input(input),
        evidence: (evidence, set) => this.#recordEvidence(evidence, set),
      },
    });
    this.#catchUp = new RoundCatchUp({
      network,
      clock: this.#clock,
      logger: this.#log,
      driver: {
        height: () => this.#height,
        engine: () => this.#engine,
        stepChangedAt: () => this.#stepChangedAt,
        closed: () => this.#closed,
        sync: (peer) => void this.#sync.from(peer),
        receiveProposal: (signed, from) => this.#intake.proposal(signed, from),
        receiveVote: (vote) => this.#intake.vote(vote),
      },
    });
  }

  /** CONS-12: replays a decided-but-unapplied block, then enters the next height (replaying its WAL). */
  start(): Promise<void> {
    this.#o.network.attach(this);
    return this.#queue.runOrThrow(async () => {
      this.#evidence = (await this.#o.store.evidence()).length;
      const head = await this.#executor.load();
      await this.#enterHeight(head + 1n);
      this.#scheduleAnnounce();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimers();
    this.#clock.clearTimeout(this.#announceTimer);
    await this.#queue.close();
  }

  /** VAL-3: the set that signs the height being decided */
  get validators(): ValidatorSet {
    return this.#executor.sets.current;
  }

  status(): DriverStatus {
    const s = this.#engine?.state;
    const syncing = this.#sync.syncing;
    return {
      height: this.#height - 1n,
      round: s?.round ?? 0,
      step: syncing ? 'sync' : (STEP_NAMES[s?.step ?? Step.PROPOSE] ?? 'propose'),
      syncing,
      evidence: this.#evidence,
      blockTimeMs: this.#executor.blockTimes.summary(),
      finalityMs: this.#executor.finality.summary(),
    };
  }

  // ----------------------------------------------------------------------------------------------------------
  // Network inputs (ConsensusHandlers)
  // ----------------------------------------------------------------------------------------------------------

  /** A message from the consensus topic; the verdict decides whether gossip forwards it. */
  receive(message: ConsensusMessage, from: string): Verdict {
    const m = message.message;
    if (m === undefined) return 'reject';
    switch (m.case) {
      case 'proposal':
        return this.#intake.proposal(m.value, from);
      case 'vote':
        return this.#intake.vote(m.value);
      case 'roundStep':
        this.#catchUp.onPeerRoundStep(m.value, from);
        return 'accept';
    }
  }

  serveBlocks(from: bigint, maxBlocks: number, maxBytes: number) {
    return this.#sync.serve(from, maxBlocks, maxBytes);
  }

  serveCatchUp(height: bigint, round: number) {
    return this.#catchUp.serve(height, round);
  }

  // ----------------------------------------------------------------------------------------------------------
  // Heights
  // ----------------------------------------------------------------------------------------------------------

  /** Starts `height` with a fresh engine, replays its WAL, then acts on what the engine still asks for. */
  async #enterHeight(height: bigint): Promise<void> {
    if (this.#closed) return;
    this.#stopHeight();
    if (this.#haltFor(height)) return;
    this.#intake.enter();
    const validators = this.#executor.sets.current;
    const selfIndex = this.#o.self === undefined ? -1 : validators.indexOfPublicKey(this.#o.self.publicKey);
    const engine: Engine = new ConsensusEngine<Block>({
      height,
      validators,
      ...(selfIndex < 0 ? {} : { selfIndex }),
      timeouts: this.#o.timeouts,
    });
    this.#engine = engine;
    this.#engineSet = { validators, selfIndex: selfIndex < 0 ? undefined : selfIndex };
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
    const own = this.#engineSet?.selfIndex;
    if (records.length > 0 && own !== undefined) {
      for (const vote of engine.votes(0))
        if (vote.validatorIndex === own) this.#broadcast({ case: 'vote', value: vote });
    }
    this.#intake.release(height);
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
        if (proposal === undefined || block === undefined || this.#intake.seenBefore(proposalKey(proposal)))
          return undefined;
        return { kind: 'proposal', proposal, block, valid: await this.#executor.judge(block) };
      }
      case 'vote':
        return this.#intake.seenBefore(voteKey(r.value)) ? undefined : { kind: 'vote', vote: r.value };
      case 'timeout':
        return {
          kind: 'timeout',
          step: r.value.step as TimeoutStepValue,
          height: r.value.height,
          round: r.value.round,
        };
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
        const own = this.#engineSet?.selfIndex;
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
    this.#later(ms, async () => {
      if (this.#engine?.state.height !== height) return;
      await this.#o.wal.append(height, walRecord({ case: 'timeout', value: { height, round, step } }));
      await this.#input({ kind: 'timeout', step, height, round });
    });
  }

  /** `validRound` is the engine's vr (NO_ROUND for none); the wire's pol_round is vr + 1, 0 for none (CONS-6). */
  async #propose(height: bigint, round: number, validRound: number, valid: Block | undefined): Promise<void> {
    const self = this.#o.self;
    if (self === undefined) return;
    const block = valid ?? (await this.#executor.createBlock(height, self.address));
    const hash = blockHash(block.header as NonNullable<Block['header']>);
    const wirePolRound = validRound === NO_ROUND ? 0 : validRound + 1;
    const signed = await this.#sign(self, 'not proposing', {
      step: Step.PROPOSE,
      height,
      round,
      blockHash: hash,
      timeMs: BigInt(this.#clock.now()),
      polRound: wirePolRound,
    });
    if (signed === undefined) return;
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
    this.#intake.seenBefore(proposalKey(proposal));
    this.#broadcast({ case: 'proposal', value: message });
    await this.#input({ kind: 'proposal', proposal, block, valid: true });
    this.#log.debug('proposed', { height: String(height), round, txs: block.txs.length });
  }

  async #castVote(type: VoteTypeValue, height: bigint, round: number, hash: Uint8Array): Promise<void> {
    const self = this.#o.self;
    const index = this.#engineSet?.selfIndex;
    if (self === undefined || index === undefined) return;
    const step = type === VoteType.PREVOTE ? Step.PREVOTE : Step.PRECOMMIT;
    const timeMs = BigInt(this.#clock.now());
    const signed = await this.#sign(self, 'not voting', { step, height, round, blockHash: hash, timeMs });
    if (signed === undefined) return;
    const vote = create('babychain.v0.Vote', {
      type,
      height,
      round,
      blockHash: hash,
      timeMs: signed.timeMs,
      validatorIndex: index,
      signature: signed.signature,
    });
    await this.#o.wal.append(height, walRecord({ case: 'vote', value: vote }), { sync: true });
    this.#intake.seenBefore(voteKey(vote));
    // Broadcast before feeding it back: a precommit that completes a quorum here would otherwise leave only after
    // this node has stored and applied the block.
    this.#broadcast({ case: 'vote', value: vote });
    await this.#input({ kind: 'vote', vote });
  }

  /** CONS-11: signs through the guard; a refusal is logged and nothing is sent. */
  async #sign(
    self: SelfValidator,
    refusedMessage: string,
    request: Parameters<DoubleSignGuard['sign']>[0],
  ): Promise<{ signature: Uint8Array; timeMs: bigint } | undefined> {
    try {
      return await self.guard.sign(request);
    } catch (err) {
      const ctx = { height: String(request.height), round: request.round, code: codeOf(err) };
      this.#log.warn(`${refusedMessage}: the double-sign guard refused`, ctx);
      return undefined;
    }
  }

  async #decide(block: Block, commit: Commit): Promise<void> {
    const height = commit.height;
    this.#clearTimers();
    await this.#executor.commit({ block, commit }, 'consensus');
    // The commit wait gathers late precommits for the next proposal's last_commit. Before a height this software
    // must not run (UPG-4) there is no such proposal here, so it halts at once and its successor starts sooner.
    const waitMs = this.#o.upgradeDue?.(height + 1n) === undefined ? this.#o.commitWaitMs : 0;
    this.#later(waitMs, () => (this.#height === height + 1n ? this.#enterHeight(this.#height) : Promise.resolve()));
  }

  /** Queues `run` after `ms`; every such timer belongs to the height being decided and dies with it. */
  #later(ms: number, run: () => Promise<void>): void {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      void this.#queue.run(run);
    }, ms);
    this.#timers.add(handle);
  }

  #clearTimers(): void {
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }

  /** CONS-9: stores evidence of the height being decided, or under `set` of the one decided last. */
  async #recordEvidence(
    evidence: Parameters<ConsensusStore['addEvidence']>[1],
    set = this.#engineSet?.validators,
  ): Promise<void> {
    try {
      if (set === undefined) return;
      verifyEvidence(this.#o.chainId, set, evidence);
    } catch (err) {
      this.#log.error('evidence that does not verify', { code: codeOf(err) });
      return;
    }
    const height = evidence.voteA?.height ?? this.#height;
    this.#evidence = await this.#o.store.addEvidence(height, evidence);
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
}
