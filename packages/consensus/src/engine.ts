// The Tendermint consensus engine for one height (CONS-6, CONS-7, CONS-9): Algorithm 1 of Buchman, Kwon, Milosevic,
// "The latest gossip on BFT consensus" (arXiv 1807.04938), as a pure, deterministic state machine. No I/O, no clock,
// no signatures: the driver verifies inputs, signs and broadcasts outputs, and runs the timers the engine asks for.
import type { Commit, CommitSig, Proposal, Vote } from '@babychain/codec';
import { bytesEqual, compareBytes, encode } from '@babychain/codec';
import { VoteTally } from './round-votes.ts';
import type {
  EngineInput,
  EngineOutput,
  StepValue,
  TimeoutParams,
  TimeoutStepValue,
  ValidatorSetView,
  VoteTypeValue,
} from './types.ts';
import { DEFAULT_TIMEOUTS, NO_ROUND, Step, TimeoutStep, VoteType } from './types.ts';

export interface EngineOptions {
  /** the height this engine decides */
  readonly height: bigint;
  /** the validators of `height` (CONS-2, CONS-3) */
  readonly validators: ValidatorSetView;
  /** this node's index in `validators`; undefined: not a validator (it follows, but never proposes or votes) */
  readonly selfIndex?: number | undefined;
  /** CONS-7; DEFAULT_TIMEOUTS when absent */
  readonly timeouts?: TimeoutParams | undefined;
}

/** Where the engine is; rounds are numbers and NO_ROUND (-1) is the paper's -1. */
export interface EngineState {
  readonly height: bigint;
  readonly round: number;
  readonly step: StepValue;
  readonly lockedRound: number;
  readonly lockedHash?: Uint8Array;
  readonly validRound: number;
  readonly validHash?: Uint8Array;
  readonly decision?: { readonly round: number; readonly blockHash: Uint8Array };
}

/** Inputs the engine dropped or found redundant (it never throws on network input). */
export interface EngineStats {
  /** malformed inputs, inputs for another height, a second `start` */
  readonly ignored: number;
  /** a vote or proposal identical in block to one already held */
  readonly duplicates: number;
  /** a second, different vote of one validator for one (round, type), or a second proposal for one round */
  readonly equivocations: number;
}

interface HeldProposal<B> {
  readonly proposal: Proposal;
  readonly block: B;
  readonly valid: boolean;
  /** the proposal's vr: its wire pol_round - 1 (NO_ROUND for none) */
  readonly validRound: number;
}

interface Value<B> {
  readonly hash: Uint8Array;
  readonly block: B;
}

/** Everything held for one round, and the "for the first time" flags of Algorithm 1 for it. */
interface RoundData<B> {
  proposal: HeldProposal<B> | undefined;
  readonly prevotes: VoteTally;
  readonly precommits: VoteTally;
  /** validators that sent any message of this round (line 55) and their power */
  readonly senders: Set<number>;
  senderPower: bigint;
  /** line 34 fired */
  prevoteTimeoutScheduled: boolean;
  /** line 36 fired */
  polkaSeen: boolean;
  /** line 47 fired */
  precommitTimeoutScheduled: boolean;
}

const EMPTY = new Uint8Array(0);
const HASH_BYTES = 32;

/**
 * Algorithm 1 for one height. Feed it inputs with `handle`; it returns what to do, in the order its rules fired.
 *
 * After every input the rules are tried in this fixed order, and after any rule fires the scan starts again from the
 * top, until none is enabled: line 49 (decide, any round), 22, 28, 36, 44, 34, 47, 55 (skip to a higher round).
 * A step change is announced with a `roundStep` output right after the vote that caused it.
 */
export class ConsensusEngine<B> {
  readonly #height: bigint;
  readonly #validators: ValidatorSetView;
  readonly #self: number | undefined;
  readonly #timeouts: TimeoutParams;

  #started = false;
  #round = 0;
  #step: StepValue = Step.PROPOSE;
  #lockedRound = NO_ROUND;
  #lockedValue: Value<B> | undefined;
  #validRound = NO_ROUND;
  #validValue: Value<B> | undefined;
  #decision: { round: number; value: Value<B> } | undefined;

  readonly #rounds = new Map<number, RoundData<B>>();
  /** rounds whose senders hold more than 1/3 of the power (candidates for line 55) */
  readonly #skipRounds = new Set<number>();
  /** rounds with more than 2/3 of the power precommitting one block (candidates for line 49) */
  readonly #commitRounds = new Set<number>();

  #ignored = 0;
  #duplicates = 0;
  #equivocations = 0;

  constructor(options: EngineOptions) {
    const { height, validators, selfIndex, timeouts } = options;
    if (height < 1n) throw new RangeError(`height must be at least 1, got ${height}`);
    if (validators.size < 1 || validators.totalPower <= 0n) throw new RangeError('the validator set is empty');
    if (selfIndex !== undefined && (!Number.isInteger(selfIndex) || selfIndex < 0 || selfIndex >= validators.size)) {
      throw new RangeError(`selfIndex ${selfIndex} is not in the validator set of size ${validators.size}`);
    }
    this.#height = height;
    this.#validators = validators;
    this.#self = selfIndex;
    this.#timeouts = timeouts ?? DEFAULT_TIMEOUTS;
  }

  get state(): EngineState {
    return {
      height: this.#height,
      round: this.#round,
      step: this.#step,
      lockedRound: this.#lockedRound,
      ...(this.#lockedValue === undefined ? {} : { lockedHash: this.#lockedValue.hash.slice() }),
      validRound: this.#validRound,
      ...(this.#validValue === undefined ? {} : { validHash: this.#validValue.hash.slice() }),
      ...(this.#decision === undefined
        ? {}
        : { decision: { round: this.#decision.round, blockHash: this.#decision.value.hash.slice() } }),
    };
  }

  get stats(): EngineStats {
    return { ignored: this.#ignored, duplicates: this.#duplicates, equivocations: this.#equivocations };
  }

  /** whether `start` has been handled */
  get started(): boolean {
    return this.#started;
  }

  /** the proposals held for rounds >= fromRound, by ascending round (for catch-up responses, P2P-6) */
  proposals(fromRound: number): { proposal: Proposal; block: B }[] {
    return [...this.#rounds]
      .filter(([r, d]) => r >= fromRound && d.proposal !== undefined)
      .sort(([a], [b]) => a - b)
      .map(([, d]) => ({
        proposal: (d.proposal as HeldProposal<B>).proposal,
        block: (d.proposal as HeldProposal<B>).block,
      }));
  }

  /** the counted votes for rounds >= fromRound: by round, prevotes before precommits, by validator index */
  votes(fromRound: number): Vote[] {
    return [...this.#rounds]
      .filter(([r]) => r >= fromRound)
      .sort(([a], [b]) => a - b)
      .flatMap(([, d]) => [...d.prevotes.all(), ...d.precommits.all()]);
  }

  /** whether a proposal for the block `hash` is held */
  hasBlock(hash: Uint8Array): boolean {
    for (const d of this.#rounds.values()) {
      if (d.proposal !== undefined && bytesEqual(d.proposal.proposal.blockHash, hash)) return true;
    }
    return false;
  }

  handle(input: EngineInput<B>): EngineOutput<B>[] {
    const out: EngineOutput<B>[] = [];
    switch (input.kind) {
      case 'start':
        if (this.#started) {
          this.#ignored++;
          return out;
        }
        this.#started = true;
        this.#startRound(0, out);
        break;
      case 'proposal':
        if (!this.#onProposal(input.proposal, input.block, input.valid)) return out;
        break;
      case 'vote':
        if (!this.#onVote(input.vote, out)) return out;
        break;
      case 'timeout':
        this.#onTimeout(input.step, input.height, input.round, out);
        break;
      default:
        this.#ignored++;
        return out;
    }
    this.#evaluate(out);
    return out;
  }

  // --- inputs ------------------------------------------------------------------------------------------------------

  /** Records a proposal; true when it is new. */
  #onProposal(proposal: Proposal, block: B, valid: boolean): boolean {
    if (
      proposal.height !== this.#height ||
      !isRound(proposal.round) ||
      !isRound(proposal.polRound) ||
      proposal.blockHash.length !== HASH_BYTES ||
      proposal.polRound - 1 >= proposal.round
    ) {
      this.#ignored++;
      return false;
    }
    const data = this.#roundData(proposal.round);
    if (data.proposal !== undefined) {
      const same = bytesEqual(
        encode('babychain.v0.Proposal', data.proposal.proposal),
        encode('babychain.v0.Proposal', proposal),
      );
      if (same) this.#duplicates++;
      else this.#equivocations++;
      return false;
    }
    data.proposal = { proposal, block, valid: valid === true, validRound: proposal.polRound - 1 };
    // "f + 1 <*, h_p, round, *, *>" (line 55): a proposal is a message of its proposer.
    this.#addSender(proposal.round, data, this.#validators.proposer(this.#height, proposal.round));
    return true;
  }

  /** Records a vote; true when it is counted (new). Evidence of a conflicting vote goes to `out`. */
  #onVote(vote: Vote, out: EngineOutput<B>[]): boolean {
    if (
      vote.height !== this.#height ||
      (vote.type !== VoteType.PREVOTE && vote.type !== VoteType.PRECOMMIT) ||
      !isRound(vote.round) ||
      !Number.isInteger(vote.validatorIndex) ||
      vote.validatorIndex < 0 ||
      vote.validatorIndex >= this.#validators.size ||
      (vote.blockHash.length !== 0 && vote.blockHash.length !== HASH_BYTES)
    ) {
      this.#ignored++;
      return false;
    }
    const data = this.#roundData(vote.round);
    const tally = vote.type === VoteType.PREVOTE ? data.prevotes : data.precommits;
    const power = this.#validators.power(vote.validatorIndex);
    const result = tally.add(vote, power);
    if (result.kind === 'duplicate') {
      this.#duplicates++;
      return false;
    }
    if (result.kind === 'conflict') {
      this.#equivocations++;
      if (result.firstConflict) {
        const [voteA, voteB] =
          compareBytes(result.first.blockHash, vote.blockHash) <= 0 ? [result.first, vote] : [vote, result.first];
        out.push({ kind: 'evidence', evidence: { voteA, voteB } });
      }
      return false;
    }
    this.#addSender(vote.round, data, vote.validatorIndex);
    if (
      vote.type === VoteType.PRECOMMIT &&
      vote.blockHash.length > 0 &&
      this.#twoThirds(tally.powerFor(vote.blockHash))
    ) {
      this.#commitRounds.add(vote.round);
    }
    return true;
  }

  /** Lines 57-67 (the paper's OnTimeout* functions); stale timeouts do nothing. */
  #onTimeout(step: TimeoutStepValue, height: bigint, round: number, out: EngineOutput<B>[]): void {
    if (height !== this.#height || !isRound(round)) {
      this.#ignored++;
      return;
    }
    if (!this.#started || this.#decision !== undefined || round !== this.#round) return;
    if (step === TimeoutStep.PROPOSE && this.#step === Step.PROPOSE) {
      this.#vote(VoteType.PREVOTE, EMPTY, out);
      this.#setStep(Step.PREVOTE, out);
    } else if (step === TimeoutStep.PREVOTE && this.#step === Step.PREVOTE) {
      this.#vote(VoteType.PRECOMMIT, EMPTY, out);
      this.#setStep(Step.PRECOMMIT, out);
    } else if (step === TimeoutStep.PRECOMMIT) {
      this.#startRound(this.#round + 1, out);
    }
  }

  // --- the rules ---------------------------------------------------------------------------------------------------

  #evaluate(out: EngineOutput<B>[]): void {
    if (!this.#started) return;
    while (this.#decision === undefined && this.#fireOne(out)) {
      // each rule changes the state so that it is not enabled again: the loop ends
    }
  }

  #fireOne(out: EngineOutput<B>[]): boolean {
    return (
      this.#line49(out) ||
      this.#line22(out) ||
      this.#line28(out) ||
      this.#line36(out) ||
      this.#line44(out) ||
      this.#line34(out) ||
      this.#line47(out) ||
      this.#line55(out)
    );
  }

  /** 49: a proposal of round r for v and 2f+1 precommits for id(v) at r, no decision: if valid(v), decide. */
  #line49(out: EngineOutput<B>[]): boolean {
    for (const r of [...this.#commitRounds].sort((a, b) => a - b)) {
      const data = this.#rounds.get(r);
      const held = data?.proposal;
      if (data === undefined || held === undefined || !held.valid) continue;
      const hash = held.proposal.blockHash;
      if (!this.#twoThirds(data.precommits.powerFor(hash))) continue;
      this.#decision = { round: r, value: { hash, block: held.block } };
      const signatures: CommitSig[] = data.precommits
        .votesFor(hash)
        .map((v) => ({ validatorIndex: v.validatorIndex, timeMs: v.timeMs, signature: v.signature }));
      const commit: Commit = { height: this.#height, round: r, blockHash: hash, signatures };
      out.push({ kind: 'decide', height: this.#height, round: r, blockHash: hash, block: held.block, commit });
      this.#setStep(Step.COMMIT, out);
      return true;
    }
    return false;
  }

  /** 22: the proposal of this round with vr = -1, while step = propose. */
  #line22(out: EngineOutput<B>[]): boolean {
    if (this.#step !== Step.PROPOSE) return false;
    const held = this.#rounds.get(this.#round)?.proposal;
    if (held === undefined || held.validRound !== NO_ROUND) return false;
    const hash = held.proposal.blockHash;
    const accept =
      held.valid &&
      (this.#lockedRound === NO_ROUND || (this.#lockedValue !== undefined && bytesEqual(this.#lockedValue.hash, hash)));
    this.#vote(VoteType.PREVOTE, accept ? hash : EMPTY, out);
    this.#setStep(Step.PREVOTE, out);
    return true;
  }

  /** 28: the proposal of this round with 0 <= vr < round and 2f+1 prevotes for it at vr, while step = propose. */
  #line28(out: EngineOutput<B>[]): boolean {
    if (this.#step !== Step.PROPOSE) return false;
    const held = this.#rounds.get(this.#round)?.proposal;
    if (held === undefined || held.validRound === NO_ROUND || held.validRound >= this.#round) return false;
    const hash = held.proposal.blockHash;
    const pol = this.#rounds.get(held.validRound);
    if (pol === undefined || !this.#twoThirds(pol.prevotes.powerFor(hash))) return false;
    const accept =
      held.valid &&
      (this.#lockedRound <= held.validRound ||
        (this.#lockedValue !== undefined && bytesEqual(this.#lockedValue.hash, hash)));
    this.#vote(VoteType.PREVOTE, accept ? hash : EMPTY, out);
    this.#setStep(Step.PREVOTE, out);
    return true;
  }

  /** 36: a valid proposal of this round and 2f+1 prevotes for it, step >= prevote, for the first time. */
  #line36(out: EngineOutput<B>[]): boolean {
    if (this.#step !== Step.PREVOTE && this.#step !== Step.PRECOMMIT) return false;
    const data = this.#rounds.get(this.#round);
    const held = data?.proposal;
    if (data === undefined || data.polkaSeen || held === undefined || !held.valid) return false;
    const hash = held.proposal.blockHash;
    if (!this.#twoThirds(data.prevotes.powerFor(hash))) return false;
    data.polkaSeen = true;
    const value = { hash, block: held.block };
    if (this.#step === Step.PREVOTE) {
      this.#lockedValue = value;
      this.#lockedRound = this.#round;
      this.#vote(VoteType.PRECOMMIT, hash, out);
      this.#setStep(Step.PRECOMMIT, out);
    }
    this.#validValue = value;
    this.#validRound = this.#round;
    return true;
  }

  /** 44: 2f+1 prevotes for nil at this round, while step = prevote. */
  #line44(out: EngineOutput<B>[]): boolean {
    if (this.#step !== Step.PREVOTE) return false;
    const data = this.#rounds.get(this.#round);
    if (data === undefined || !this.#twoThirds(data.prevotes.powerFor(EMPTY))) return false;
    this.#vote(VoteType.PRECOMMIT, EMPTY, out);
    this.#setStep(Step.PRECOMMIT, out);
    return true;
  }

  /** 34: 2f+1 prevotes of any kind at this round, while step = prevote, for the first time. */
  #line34(out: EngineOutput<B>[]): boolean {
    if (this.#step !== Step.PREVOTE) return false;
    const data = this.#rounds.get(this.#round);
    if (data === undefined || data.prevoteTimeoutScheduled || !this.#twoThirds(data.prevotes.totalPower)) return false;
    data.prevoteTimeoutScheduled = true;
    this.#schedule(TimeoutStep.PREVOTE, out);
    return true;
  }

  /** 47: 2f+1 precommits of any kind at this round, for the first time. */
  #line47(out: EngineOutput<B>[]): boolean {
    const data = this.#rounds.get(this.#round);
    if (data === undefined || data.precommitTimeoutScheduled || !this.#twoThirds(data.precommits.totalPower)) {
      return false;
    }
    data.precommitTimeoutScheduled = true;
    this.#schedule(TimeoutStep.PRECOMMIT, out);
    return true;
  }

  /** 55: f+1 of the power sent messages of a round above this one: start the highest such round. */
  #line55(out: EngineOutput<B>[]): boolean {
    let target = this.#round;
    for (const r of this.#skipRounds) if (r > target) target = r;
    if (target === this.#round) return false;
    this.#startRound(target, out);
    return true;
  }

  // --- actions -----------------------------------------------------------------------------------------------------

  /** 11-21: StartRound(r). */
  #startRound(round: number, out: EngineOutput<B>[]): void {
    this.#round = round;
    this.#step = Step.PROPOSE;
    out.push({ kind: 'roundStep', height: this.#height, round, step: Step.PROPOSE });
    if (this.#self !== undefined && this.#validators.proposer(this.#height, round) === this.#self) {
      out.push({
        kind: 'propose',
        height: this.#height,
        round,
        validRound: this.#validRound,
        block: this.#validValue?.block,
      });
    } else {
      this.#schedule(TimeoutStep.PROPOSE, out);
    }
  }

  #vote(type: VoteTypeValue, blockHash: Uint8Array, out: EngineOutput<B>[]): void {
    if (this.#self === undefined) return;
    out.push({ kind: 'vote', type, height: this.#height, round: this.#round, blockHash });
  }

  #setStep(step: StepValue, out: EngineOutput<B>[]): void {
    this.#step = step;
    out.push({ kind: 'roundStep', height: this.#height, round: this.#round, step });
  }

  /** CONS-7: base + round * delta, at most max. */
  #schedule(step: TimeoutStepValue, out: EngineOutput<B>[]): void {
    const t = this.#timeouts;
    const [base, delta] =
      step === TimeoutStep.PROPOSE
        ? [t.proposeMs, t.proposeDeltaMs]
        : step === TimeoutStep.PREVOTE
          ? [t.prevoteMs, t.prevoteDeltaMs]
          : [t.precommitMs, t.precommitDeltaMs];
    const ms = Math.min(base + this.#round * delta, t.maxMs);
    out.push({ kind: 'scheduleTimeout', step, height: this.#height, round: this.#round, ms });
  }

  // --- bookkeeping -------------------------------------------------------------------------------------------------

  #roundData(round: number): RoundData<B> {
    let data = this.#rounds.get(round);
    if (data === undefined) {
      data = {
        proposal: undefined,
        prevotes: new VoteTally(),
        precommits: new VoteTally(),
        senders: new Set(),
        senderPower: 0n,
        prevoteTimeoutScheduled: false,
        polkaSeen: false,
        precommitTimeoutScheduled: false,
      };
      this.#rounds.set(round, data);
    }
    return data;
  }

  #addSender(round: number, data: RoundData<B>, index: number): void {
    if (data.senders.has(index) || index < 0 || index >= this.#validators.size) return;
    data.senders.add(index);
    data.senderPower += this.#validators.power(index);
    if (this.#oneThird(data.senderPower)) this.#skipRounds.add(round);
  }

  /** "2f + 1": strictly more than 2/3 of the total power */
  #twoThirds(power: bigint): boolean {
    return 3n * power > 2n * this.#validators.totalPower;
  }

  /** "f + 1": strictly more than 1/3 of the total power */
  #oneThird(power: bigint): boolean {
    return 3n * power > this.#validators.totalPower;
  }
}

function isRound(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
}
