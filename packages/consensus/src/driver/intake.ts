/**
 * Message intake (P2P-4, CONS-4, CONS-5): a proposal or vote is verified before it is queued, so that gossip
 * forwards only what verifies; it reaches the engine once per height (re-gossip and catch-up repeat messages), and
 * one for the next height waits until the driver gets there.
 */
import type { Block, DuplicateVoteEvidence, Proposal, SignedProposal, Vote, WalRecord } from '@babychain/codec';
import { blockHash, bytesEqual, compareBytes, toHex } from '@babychain/codec';
import type { Logger } from '@babychain/util';
import type { ConsensusEngine } from '../engine.ts';
import { verifyProposal, verifyVote } from '../signing.ts';
import { type EngineInput, VoteType } from '../types.ts';
import type { ValidatorSet } from '../validators.ts';
import type { Wal } from '../wal.ts';
import { codeOf } from './code-of.ts';
import type { Verdict } from './network.ts';
import type { SerialQueue } from './queue.ts';

/** Messages held for the next height while this one is decided. */
const MAX_FUTURE_MESSAGES = 4000;
/** Rounds beyond the engine's that are still relayed (the engine keeps what it is given). */
const MAX_ROUNDS_AHEAD = 64;

/** The driver's side of intake: the height it decides, its engine, and how a block is judged. */
export interface IntakeDriver {
  height(): bigint;
  engine(): ConsensusEngine<Block> | undefined;
  /** valid(v), CONS-6 */
  judge(block: Block): Promise<boolean>;
  /** VAL-3: the set that signs `height`, known for the height being decided and the next */
  setFor(height: bigint): ValidatorSet | undefined;
  /** the set that signed the last decided height */
  lastSet(): ValidatorSet | undefined;
  input(input: EngineInput<Block>): Promise<void>;
  /** CONS-9: verifies and stores evidence of a height already decided, under the set that signed it */
  evidence(evidence: DuplicateVoteEvidence, set: ValidatorSet): Promise<void>;
}

export interface MessageIntakeOptions {
  readonly chainId: string;
  readonly wal: Pick<Wal, 'append'>;
  readonly queue: SerialQueue;
  readonly logger: Logger;
  readonly driver: IntakeDriver;
}

export class MessageIntake {
  readonly #o: MessageIntakeOptions;
  #future: { height: bigint; run: () => Promise<void> }[] = [];
  /** proposals and votes the current height's engine has been given (proposalKey, voteKey) */
  readonly #seen = new Set<string>();
  /** the first precommit of each (height, round, validator) given to the engine, this height's and the last's */
  readonly #precommits = new Map<string, Vote>();
  /** the (height, round, validator) slots a late precommit was already reported for: one piece of evidence each */
  readonly #reported = new Set<string>();

  constructor(options: MessageIntakeOptions) {
    this.#o = options;
  }

  proposal(signed: SignedProposal, from: string): Verdict {
    const { proposal, block } = signed;
    if (proposal === undefined || block?.header === undefined) return 'reject';
    const set = this.#inWindow(proposal.height, proposal.round);
    if (set === undefined) return 'ignore';
    try {
      verifyProposal(this.#o.chainId, proposal, set);
    } catch (err) {
      this.#o.logger.debug('proposal refused', { from, code: codeOf(err) });
      return 'reject';
    }
    if (!bytesEqual(blockHash(block.header), proposal.blockHash)) return 'reject';
    const { driver, wal } = this.#o;
    this.#forHeight(proposal.height, async () => {
      const engine = driver.engine();
      if (engine === undefined || engine.state.height !== proposal.height || this.seenBefore(proposalKey(proposal))) {
        return;
      }
      const valid = await driver.judge(block);
      await wal.append(proposal.height, walRecord({ case: 'proposal', value: signed }));
      await driver.input({ kind: 'proposal', proposal, block, valid });
    });
    return 'accept';
  }

  vote(vote: Vote): Verdict {
    if (vote.height + 1n === this.#o.driver.height()) return this.#late(vote);
    const set = this.#inWindow(vote.height, vote.round);
    if (set === undefined) return 'ignore';
    try {
      verifyVote(this.#o.chainId, vote, set);
    } catch {
      return 'reject';
    }
    const { driver, wal } = this.#o;
    this.#forHeight(vote.height, async () => {
      if (driver.engine()?.state.height !== vote.height || this.seenBefore(voteKey(vote))) return;
      if (vote.type === VoteType.PRECOMMIT && !this.#precommits.has(precommitSlot(vote))) {
        this.#precommits.set(precommitSlot(vote), vote);
      }
      await wal.append(vote.height, walRecord({ case: 'vote', value: vote }));
      await driver.input({ kind: 'vote', vote });
    });
    return 'accept';
  }

  /**
   * CONS-9 after a decision: a precommit of the height just decided that conflicts with one this node gave that
   * height's engine (same round and validator, another block) is an equivocation, though the engine is gone (as
   * CometBFT checks late precommits against its last commit). A validator whose second copy lags is caught this way:
   * its conflicting precommit arrives after the others moved on. Anything else of the last height is ignored.
   */
  #late(vote: Vote): Verdict {
    const slot = precommitSlot(vote);
    const first = this.#precommits.get(slot);
    const set = this.#o.driver.lastSet();
    if (vote.type !== VoteType.PRECOMMIT || first === undefined || set === undefined) return 'ignore';
    if (bytesEqual(vote.blockHash, first.blockHash) || this.#reported.has(slot)) return 'ignore';
    try {
      verifyVote(this.#o.chainId, vote, set);
    } catch {
      return 'reject';
    }
    this.#reported.add(slot);
    const [voteA, voteB] = compareBytes(first.blockHash, vote.blockHash) < 0 ? [first, vote] : [vote, first];
    void this.#o.queue.run(() => this.#o.driver.evidence({ voteA, voteB }, set));
    return 'accept';
  }

  /** A new height: its engine has seen nothing yet; the precommits of the height before are kept for `#late`. */
  enter(): void {
    this.#seen.clear();
    const keep = this.#o.driver.height() - 1n;
    for (const slot of this.#precommits.keys()) if (slotHeight(slot) < keep) this.#precommits.delete(slot);
    for (const slot of this.#reported) if (slotHeight(slot) < keep) this.#reported.delete(slot);
  }

  /** Queues what was held for `height`, once its engine has replayed the WAL. */
  release(height: bigint): void {
    const due = this.#future.filter((f) => f.height === height);
    this.#future = this.#future.filter((f) => f.height > height);
    for (const f of due) void this.#o.queue.run(f.run);
  }

  /**
   * True when this height's engine was already given this proposal or vote: re-gossip and catch-up deliver the same
   * messages again, and each would otherwise be logged (and a block judged) once more.
   */
  seenBefore(key: string): boolean {
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    return false;
  }

  /**
   * Only this height and the next are relayed, and not rounds far beyond the engine's: the set that signs the
   * message's height (VAL-3), or undefined for a message outside the window.
   */
  #inWindow(height: bigint, round: number): ValidatorSet | undefined {
    const set = this.#o.driver.setFor(height);
    if (set === undefined) return undefined;
    const engine = this.#o.driver.engine()?.state;
    return engine?.height !== height || round <= engine.round + MAX_ROUNDS_AHEAD ? set : undefined;
  }

  /** Runs `run` now (queued) when the engine is at `height`; holds it while that height is still to come. */
  #forHeight(height: bigint, run: () => Promise<void>): void {
    const current = this.#o.driver.height();
    if (this.#o.driver.engine()?.state.height === height) {
      void this.#o.queue.run(run);
    } else if (height >= current && height <= current + 1n && this.#future.length < MAX_FUTURE_MESSAGES) {
      this.#future.push({ height, run });
    }
  }
}

export function proposalKey(p: Proposal): string {
  return `p:${p.round}:${p.polRound}:${toHex(p.blockHash)}`;
}

function precommitSlot(v: Vote): string {
  return `${v.height}:${v.round}:${v.validatorIndex}`;
}

function slotHeight(slot: string): bigint {
  return BigInt(slot.slice(0, slot.indexOf(':')));
}

export function voteKey(v: Vote): string {
  return `v:${v.type}:${v.round}:${v.validatorIndex}:${toHex(v.blockHash)}`;
}

export function walRecord(record: NonNullable<WalRecord['record']>): WalRecord {
  return { record };
}
