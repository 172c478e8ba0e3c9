import type { Proposal, Vote } from '@babychain/codec';
import { sha256, toHex } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { ConsensusEngine } from './engine.ts';
import type { EngineInput, EngineOutput, TimeoutStepValue, ValidatorSetView, VoteTypeValue } from './types.ts';
import { DEFAULT_TIMEOUTS, NO_ROUND, Step, TimeoutStep, VoteType } from './types.ts';

const H = 1n;
const NIL = new Uint8Array(0);
const hashOf = (label: string) => sha256(new TextEncoder().encode(label));
const A = hashOf('block A');
const B = hashOf('block B');
const { PREVOTE, PRECOMMIT } = VoteType;

/** A validator set with the given powers; the proposer rotates by index (height - 1 + round) mod size. */
function setOf(powers: bigint[], proposer?: (h: bigint, r: number) => number): ValidatorSetView {
  const total = powers.reduce((a, b) => a + b, 0n);
  return {
    size: powers.length,
    totalPower: total,
    power: (i) => powers[i] as bigint,
    proposer: proposer ?? ((h, r) => Number((h - 1n + BigInt(r)) % BigInt(powers.length))),
  };
}
const FOUR = setOf([1n, 1n, 1n, 1n]);

type Out = EngineOutput<string>;

/** An engine and a shorthand for feeding it; `feed` returns the outputs without the roundStep announcements. */
function engineOf(selfIndex: number | undefined, validators = FOUR, height = H) {
  const engine = new ConsensusEngine<string>({ height, validators, selfIndex, timeouts: DEFAULT_TIMEOUTS });
  const feedAll = (input: EngineInput<string>): Out[] => engine.handle(input);
  const feed = (input: EngineInput<string>): Out[] => feedAll(input).filter((o) => o.kind !== 'roundStep');
  return { engine, feed, feedAll };
}

const label = (hash: Uint8Array) => (hash.length === 0 ? 'nil' : toHex(hash).slice(0, 8));

function vote(type: VoteTypeValue, round: number, blockHash: Uint8Array, validatorIndex: number, height = H): Vote {
  return {
    type,
    height,
    round,
    blockHash,
    timeMs: 1_000n + BigInt(validatorIndex),
    validatorIndex,
    signature: new Uint8Array(64).fill(validatorIndex + 1 + 10 * blockHash.length),
  };
}
const v = (type: VoteTypeValue, round: number, blockHash: Uint8Array, index: number): EngineInput<string> => ({
  kind: 'vote',
  vote: vote(type, round, blockHash, index),
});
/** votes of several validators, one input each */
const votes = (type: VoteTypeValue, round: number, blockHash: Uint8Array, indices: number[]) =>
  indices.map((i) => v(type, round, blockHash, i));

function proposal(round: number, blockHash: Uint8Array, vr = NO_ROUND, height = H): Proposal {
  return { height, round, polRound: vr + 1, blockHash, timeMs: 5_000n, signature: new Uint8Array(64).fill(7) };
}
const p = (round: number, blockHash: Uint8Array, vr = NO_ROUND, valid = true): EngineInput<string> => ({
  kind: 'proposal',
  proposal: proposal(round, blockHash, vr),
  block: label(blockHash),
  valid,
});
const timeout = (step: TimeoutStepValue, round: number, height = H): EngineInput<string> => ({
  kind: 'timeout',
  step,
  height,
  round,
});

// expected outputs
const prevote = (round: number, blockHash: Uint8Array): Out => ({
  kind: 'vote',
  type: PREVOTE,
  height: H,
  round,
  blockHash,
});
const precommit = (round: number, blockHash: Uint8Array): Out => ({
  kind: 'vote',
  type: PRECOMMIT,
  height: H,
  round,
  blockHash,
});
const sched = (step: TimeoutStepValue, round: number, ms: number): Out => ({
  kind: 'scheduleTimeout',
  step,
  height: H,
  round,
  ms,
});
const proposeTimeout = (round: number) => sched(TimeoutStep.PROPOSE, round, Math.min(1000 + 250 * round, 4000));
const prevoteTimeout = (round: number) => sched(TimeoutStep.PREVOTE, round, Math.min(300 + 250 * round, 4000));
const precommitTimeout = (round: number) => sched(TimeoutStep.PRECOMMIT, round, Math.min(300 + 250 * round, 4000));

/** feeds every input, returning all outputs (without roundStep) concatenated */
function feedMany(feed: (i: EngineInput<string>) => Out[], inputs: EngineInput<string>[]): Out[] {
  return inputs.flatMap((i) => feed(i));
}

/** drives an engine (validator 1 by default) through a nil round 0 into round 1 */
function toRound1(self: number | undefined = 1) {
  const e = engineOf(self);
  e.feed({ kind: 'start' });
  feedMany(e.feed, [timeout(TimeoutStep.PROPOSE, 0), ...votes(PREVOTE, 0, NIL, [0, 2, 3])]);
  feedMany(e.feed, votes(PRECOMMIT, 0, NIL, [0, 2, 3]));
  e.feed(timeout(TimeoutStep.PRECOMMIT, 0));
  return e;
}

describe('ConsensusEngine', () => {
  it('decides in round 0 as the proposer', () => {
    const { engine, feed, feedAll } = engineOf(0);
    expect(feedAll({ kind: 'start' })).toEqual([
      { kind: 'roundStep', height: H, round: 0, step: Step.PROPOSE },
      { kind: 'propose', height: H, round: 0, validRound: NO_ROUND, block: undefined },
    ]);
    expect(feedAll(p(0, A))).toEqual([prevote(0, A), { kind: 'roundStep', height: H, round: 0, step: Step.PREVOTE }]);
    expect(feed(v(PREVOTE, 0, A, 0))).toEqual([]);
    expect(feed(v(PREVOTE, 0, A, 1))).toEqual([]);
    expect(feed(v(PREVOTE, 0, A, 2))).toEqual([precommit(0, A)]);
    expect(engine.state).toMatchObject({ step: Step.PRECOMMIT, lockedRound: 0, lockedHash: A, validRound: 0 });
    expect(feed(v(PRECOMMIT, 0, A, 2))).toEqual([]);
    expect(feed(v(PRECOMMIT, 0, A, 0))).toEqual([]);
    const out = feedAll(v(PRECOMMIT, 0, A, 1));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ kind: 'decide', height: H, round: 0, blockHash: A, block: label(A) });
    expect(out[1]).toEqual({ kind: 'roundStep', height: H, round: 0, step: Step.COMMIT });
    const decide = out[0] as Extract<Out, { kind: 'decide' }>;
    expect(decide.commit.signatures.map((s) => s.validatorIndex)).toEqual([0, 1, 2]);
    expect(decide.commit.signatures[0]).toEqual({
      validatorIndex: 0,
      timeMs: 1000n,
      signature: vote(PRECOMMIT, 0, A, 0).signature,
    });
    expect(engine.state.decision).toEqual({ round: 0, blockHash: A });
  });

  it('decides in round 0 as a non-proposer', () => {
    const { engine, feed } = engineOf(2);
    expect(feed({ kind: 'start' })).toEqual([proposeTimeout(0)]);
    expect(feed(p(0, A))).toEqual([prevote(0, A)]);
    expect(feedMany(feed, votes(PREVOTE, 0, A, [0, 1, 2]))).toEqual([precommit(0, A)]);
    const out = feedMany(feed, votes(PRECOMMIT, 0, A, [3, 1, 2]));
    expect(out.map((o) => o.kind)).toEqual(['decide']);
    const decide = out[0] as Extract<Out, { kind: 'decide' }>;
    expect(decide.commit.signatures.map((s) => s.validatorIndex)).toEqual([1, 2, 3]);
    expect(engine.state.step).toBe(Step.COMMIT);
  });

  it('prevotes nil when the proposal times out and moves to the next round after a nil round', () => {
    const { engine, feed } = engineOf(2);
    feed({ kind: 'start' });
    expect(feed(timeout(TimeoutStep.PROPOSE, 0))).toEqual([prevote(0, NIL)]);
    expect(feedMany(feed, votes(PREVOTE, 0, NIL, [1, 2]))).toEqual([]);
    expect(feed(v(PREVOTE, 0, NIL, 3))).toEqual([precommit(0, NIL)]);
    expect(feedMany(feed, votes(PRECOMMIT, 0, NIL, [1, 2, 3]))).toEqual([precommitTimeout(0)]);
    expect(feed(timeout(TimeoutStep.PRECOMMIT, 0))).toEqual([proposeTimeout(1)]);
    expect(engine.state).toMatchObject({ round: 1, step: Step.PROPOSE, lockedRound: NO_ROUND });
  });

  it('schedules a prevote timeout on a split polka and precommits nil when it fires', () => {
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    feed(p(0, A));
    expect(feedMany(feed, [v(PREVOTE, 0, A, 0), v(PREVOTE, 0, NIL, 1), v(PREVOTE, 0, B, 2)])).toEqual([
      prevoteTimeout(0),
    ]);
    expect(feed(timeout(TimeoutStep.PREVOTE, 0))).toEqual([precommit(0, NIL)]);
    expect(engine.state).toMatchObject({ step: Step.PRECOMMIT, lockedRound: NO_ROUND });
  });

  it('locks on a polka for the proposal', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    feed(p(0, A));
    expect(feedMany(feed, votes(PREVOTE, 0, A, [0, 2, 3]))).toEqual([precommit(0, A)]);
    expect(engine.state).toMatchObject({ lockedRound: 0, lockedHash: A, validRound: 0, validHash: A });
  });

  it('stays locked: prevotes nil for a different value in a later round', () => {
    const { engine, feed } = engineOf(2);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, votes(PREVOTE, 0, A, [0, 1, 3]));
    feedMany(feed, votes(PRECOMMIT, 0, NIL, [0, 1, 3]));
    expect(feed(timeout(TimeoutStep.PRECOMMIT, 0))).toEqual([proposeTimeout(1)]);
    expect(feed(p(1, B))).toEqual([prevote(1, NIL)]);
    expect(engine.state).toMatchObject({ round: 1, lockedRound: 0, lockedHash: A });
  });

  it('prevotes its locked value when it is proposed again without a proof of lock', () => {
    const { feed } = engineOf(2);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, votes(PREVOTE, 0, A, [0, 1, 3]));
    feedMany(feed, votes(PRECOMMIT, 0, NIL, [0, 1, 3]));
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    expect(feed(p(1, A))).toEqual([prevote(1, A)]);
  });

  it('unlocks on a polka of a higher round', () => {
    // validator 3 locks A in round 0; B gets a polka in round 1 that it missed; round 2 re-proposes B with vr = 1
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, votes(PREVOTE, 0, A, [0, 1, 3]));
    feedMany(feed, votes(PRECOMMIT, 0, NIL, [0, 1, 2]));
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    expect(feed(p(1, B))).toEqual([prevote(1, NIL)]); // locked on A
    expect(feedMany(feed, votes(PRECOMMIT, 1, NIL, [0, 1, 2]))).toEqual([precommitTimeout(1)]);
    expect(feed(timeout(TimeoutStep.PRECOMMIT, 1))).toEqual([proposeTimeout(2)]);
    expect(feed(p(2, B, 1))).toEqual([]); // no polka for B at round 1 seen yet
    expect(feedMany(feed, votes(PREVOTE, 1, B, [0, 1]))).toEqual([]);
    expect(feed(v(PREVOTE, 1, B, 2))).toEqual([prevote(2, B)]); // lockedRound 0 <= vr 1
    expect(engine.state).toMatchObject({ round: 2, step: Step.PREVOTE, lockedRound: 0, lockedHash: A });
    expect(feedMany(feed, votes(PREVOTE, 2, B, [0, 1, 2]))).toEqual([precommit(2, B)]);
    expect(engine.state).toMatchObject({ lockedRound: 2, lockedHash: B });
  });

  it('does not unlock on a proof of lock older than its lock', () => {
    // locked on B at round 1; a proposal of A with vr = 0 (polka for A at round 0) must get nil
    const { feed } = engineOf(3);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, [...votes(PREVOTE, 0, A, [0, 1, 2]), ...votes(PRECOMMIT, 0, NIL, [0, 1, 2])]);
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    // round 1 (proposer 1): B with a fresh polka; validator 3 locked on A prevotes nil, then locks on B
    feed(p(1, B));
    feedMany(feed, votes(PREVOTE, 1, B, [0, 1, 2]));
    feedMany(feed, votes(PRECOMMIT, 1, NIL, [0, 1, 2]));
    feed(timeout(TimeoutStep.PRECOMMIT, 1));
    expect(feed(p(2, A, 0))).toEqual([prevote(2, NIL)]);
  });

  it('re-proposes the valid value with its polRound', () => {
    // validator 1 is the proposer of round 1; it saw a polka for A in round 0
    const { engine, feedAll } = engineOf(1);
    feedAll({ kind: 'start' });
    feedAll(p(0, A));
    feedMany(feedAll, votes(PREVOTE, 0, A, [0, 2, 3]));
    feedMany(feedAll, votes(PRECOMMIT, 0, NIL, [0, 2, 3]));
    expect(engine.state).toMatchObject({ validRound: 0, validHash: A });
    expect(feedAll(timeout(TimeoutStep.PRECOMMIT, 0))).toEqual([
      { kind: 'roundStep', height: H, round: 1, step: Step.PROPOSE },
      { kind: 'propose', height: H, round: 1, validRound: 0, block: label(A) },
    ]);
    // the driver feeds the signed proposal back: locked on A at 0 <= vr, so it prevotes A
    expect(feedAll(p(1, A, 0))[0]).toEqual(prevote(1, A));
  });

  it('waits for the polka of the polRound of a proposal before prevoting it (line 28)', () => {
    const { engine, feed } = toRound1(2); // round 0: validators 0, 2, 3 prevoted nil
    expect(feed(p(1, B, 0))).toEqual([]);
    expect(feed(v(PREVOTE, 0, B, 1))).toEqual([]); // B cannot reach 2f+1 at round 0
    expect(engine.state).toMatchObject({ round: 1, step: Step.PROPOSE });
    expect(feed(timeout(TimeoutStep.PROPOSE, 1))).toEqual([prevote(1, NIL)]);
  });

  it('prevotes a proof-of-lock proposal when it holds the polka of its polRound (line 28)', () => {
    const { engine, feed } = engineOf(2);
    feed({ kind: 'start' });
    feed(timeout(TimeoutStep.PROPOSE, 0)); // validator 2 missed the proposal of round 0
    feedMany(feed, votes(PREVOTE, 0, B, [0, 1, 3]));
    feedMany(feed, votes(PRECOMMIT, 0, NIL, [0, 1, 3]));
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    expect(feed(p(1, B, 0))).toEqual([prevote(1, B)]);
    expect(engine.state).toMatchObject({ step: Step.PREVOTE, lockedRound: NO_ROUND });
  });

  it('prevotes nil for a proof-of-lock proposal of an invalid block', () => {
    const { feed } = engineOf(2);
    feed({ kind: 'start' });
    feedMany(feed, votes(PREVOTE, 0, B, [0, 1, 3]));
    feedMany(feed, votes(PRECOMMIT, 0, NIL, [0, 1, 3]));
    feed(timeout(TimeoutStep.PROPOSE, 0));
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    expect(feed(p(1, B, 0, false))).toEqual([prevote(1, NIL)]);
  });

  it('skips to a higher round on f+1 messages of that round', () => {
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    expect(feed(v(PREVOTE, 5, NIL, 0))).toEqual([]);
    expect(feed(v(PRECOMMIT, 5, NIL, 1))).toEqual([proposeTimeout(5)]);
    expect(engine.state).toMatchObject({ round: 5, step: Step.PROPOSE });
  });

  it('counts a proposal for its proposer towards a round skip', () => {
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    feed(v(PREVOTE, 2, NIL, 0)); // validator 0
    expect(feed(p(2, A))).toEqual([proposeTimeout(2), prevote(2, A)]); // proposer of round 2 is validator 2
    expect(engine.state).toMatchObject({ round: 2, step: Step.PREVOTE });
  });

  it('does not skip rounds on exactly one third of the power', () => {
    const { engine, feed } = engineOf(0, setOf([1n, 1n, 1n]));
    feed({ kind: 'start' });
    expect(feedMany(feed, [v(PREVOTE, 4, NIL, 1), v(PRECOMMIT, 4, NIL, 1)])).toEqual([]);
    expect(engine.state.round).toBe(0);
    expect(feed(v(PREVOTE, 4, NIL, 2))).toEqual([proposeTimeout(4)]);
    expect(engine.state.round).toBe(4);
  });

  it('skips to the highest round that has f+1 senders', () => {
    const { engine, feed } = engineOf(3);
    feedMany(feed, [v(PREVOTE, 2, NIL, 0), v(PREVOTE, 2, NIL, 1), v(PREVOTE, 4, NIL, 0), v(PREVOTE, 4, NIL, 2)]);
    expect(engine.state.round).toBe(0); // not started: inputs are only recorded
    expect(feed({ kind: 'start' })).toEqual([proposeTimeout(0), proposeTimeout(4)]);
    expect(engine.state.round).toBe(4);
  });

  it('decides in a past round from late precommits', () => {
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    expect(feed(p(0, A))).toEqual([prevote(0, A)]);
    expect(feedMany(feed, [v(PREVOTE, 0, A, 3), v(PREVOTE, 0, A, 0), v(PREVOTE, 0, NIL, 1)])).toEqual([
      prevoteTimeout(0),
    ]);
    expect(feed(timeout(TimeoutStep.PREVOTE, 0))).toEqual([precommit(0, NIL)]);
    expect(feedMany(feed, [v(PRECOMMIT, 0, NIL, 3), v(PRECOMMIT, 0, A, 0), v(PRECOMMIT, 0, A, 1)])).toEqual([
      precommitTimeout(0),
    ]);
    expect(feed(timeout(TimeoutStep.PRECOMMIT, 0))).toEqual([proposeTimeout(1)]);
    const out = feed(v(PRECOMMIT, 0, A, 2));
    expect(out).toMatchObject([{ kind: 'decide', round: 0, blockHash: A, block: label(A) }]);
    const decide = out[0] as Extract<Out, { kind: 'decide' }>;
    expect(decide.commit.signatures.map((s) => s.validatorIndex)).toEqual([0, 1, 2]);
    expect(engine.state).toMatchObject({ round: 1, step: Step.COMMIT, decision: { round: 0, blockHash: A } });
  });

  it('decides on a commit of a higher round before skipping to it', () => {
    // validator 3 holds 7 of 10: its precommit alone is a commit, and the round's first message above 1/3
    const { engine, feed } = engineOf(0, setOf([1n, 1n, 1n, 7n]));
    feed({ kind: 'start' });
    expect(feed(p(2, B))).toEqual([]); // proposer 2 holds 1 of 10
    expect(feed(v(PRECOMMIT, 2, B, 3)).map((o) => o.kind)).toEqual(['decide']);
    expect(engine.state).toMatchObject({ round: 0, step: Step.COMMIT, decision: { round: 2, blockHash: B } });
  });

  it('prevotes a held proposal right after skipping to its round', () => {
    const { engine, feed } = engineOf(3);
    feed({ kind: 'start' });
    feed(p(2, B));
    expect(feed(v(PRECOMMIT, 2, B, 0))).toEqual([proposeTimeout(2), prevote(2, B)]);
    expect(engine.state).toMatchObject({ round: 2, step: Step.PREVOTE });
  });

  it('prevotes nil for an invalid proposal and never locks or decides it', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    expect(feed(p(0, A, NO_ROUND, false))).toEqual([prevote(0, NIL)]);
    expect(feedMany(feed, votes(PREVOTE, 0, A, [0, 2, 3]))).toEqual([prevoteTimeout(0)]);
    expect(feedMany(feed, votes(PRECOMMIT, 0, A, [0, 2, 3]))).toEqual([precommitTimeout(0)]);
    expect(engine.state).toMatchObject({ lockedRound: NO_ROUND, validRound: NO_ROUND });
    expect(engine.state.decision).toBeUndefined();
  });

  it('counts a duplicate vote once', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    feed(p(0, A));
    expect(
      feedMany(feed, [v(PREVOTE, 0, A, 0), v(PREVOTE, 0, A, 0), v(PREVOTE, 0, A, 2), v(PREVOTE, 0, A, 2)]),
    ).toEqual([]);
    expect(engine.state.step).toBe(Step.PREVOTE);
    expect(engine.stats).toEqual({ ignored: 0, duplicates: 2, equivocations: 0 });
    expect(feed(v(PREVOTE, 0, A, 3))).toEqual([precommit(0, A)]);
  });

  it('emits evidence once for an equivocating prevote, the nil vote first', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    const first = vote(PREVOTE, 0, A, 2);
    const second = vote(PREVOTE, 0, NIL, 2);
    expect(feed({ kind: 'vote', vote: first })).toEqual([]);
    expect(feed({ kind: 'vote', vote: second })).toEqual([
      { kind: 'evidence', evidence: { voteA: second, voteB: first } },
    ]);
    expect(feed(v(PREVOTE, 0, B, 2))).toEqual([]);
    expect(engine.stats.equivocations).toBe(2);
    // only the first vote counts: A has 1 of 4
    expect(engine.votes(0)).toEqual([first]);
  });

  it('emits evidence for an equivocating precommit, ordered by block hash', () => {
    const { feed } = engineOf(1);
    feed({ kind: 'start' });
    const [lo, hi] = [A, B].sort((x, y) => Buffer.compare(x, y)) as [Uint8Array, Uint8Array];
    const first = vote(PRECOMMIT, 3, hi, 0);
    const second = vote(PRECOMMIT, 3, lo, 0);
    feed({ kind: 'vote', vote: first });
    expect(feed({ kind: 'vote', vote: second })).toEqual([
      { kind: 'evidence', evidence: { voteA: second, voteB: first } },
    ]);
  });

  it('follows and decides as a non-validator without emitting votes', () => {
    const { engine, feed } = engineOf(undefined);
    expect(feed({ kind: 'start' })).toEqual([proposeTimeout(0)]);
    expect(feed(p(0, A))).toEqual([]);
    expect(engine.state.step).toBe(Step.PREVOTE);
    expect(feedMany(feed, votes(PREVOTE, 0, A, [0, 1, 2]))).toEqual([]);
    expect(engine.state).toMatchObject({ step: Step.PRECOMMIT, lockedRound: 0 });
    expect(feedMany(feed, votes(PRECOMMIT, 0, A, [0, 1, 2])).map((o) => o.kind)).toEqual(['decide']);
  });

  it('never proposes as a non-validator', () => {
    const { feed } = engineOf(undefined, setOf([1n]));
    expect(feed({ kind: 'start' })).toEqual([proposeTimeout(0)]);
  });

  it('ignores stale timeouts', () => {
    const { engine, feed } = engineOf(1);
    expect(feed(timeout(TimeoutStep.PROPOSE, 0))).toEqual([]); // not started
    feed({ kind: 'start' });
    expect(feed(timeout(TimeoutStep.PREVOTE, 0))).toEqual([]); // wrong step
    expect(feed(timeout(TimeoutStep.PROPOSE, 1))).toEqual([]); // future round
    feed(timeout(TimeoutStep.PROPOSE, 0));
    expect(feed(timeout(TimeoutStep.PROPOSE, 0))).toEqual([]); // already prevoted
    feed(timeout(TimeoutStep.PRECOMMIT, 0));
    expect(engine.state.round).toBe(1);
    expect(feed(timeout(TimeoutStep.PRECOMMIT, 0))).toEqual([]); // round 0 is over
    expect(feed(timeout(TimeoutStep.PROPOSE, 1, 2n))).toEqual([]); // another height
    expect(engine.state).toMatchObject({ round: 1, step: Step.PROPOSE });
    expect(engine.stats.ignored).toBe(1);
  });

  it('grows timeouts per round and caps them', () => {
    const { feed } = engineOf(undefined);
    feed({ kind: 'start' });
    const ms: number[] = [];
    for (let r = 0; r < 14; r++) {
      const out = feed(timeout(TimeoutStep.PRECOMMIT, r));
      ms.push((out[0] as Extract<Out, { kind: 'scheduleTimeout' }>).ms);
    }
    expect(ms.slice(0, 4)).toEqual([1250, 1500, 1750, 2000]);
    expect(ms.at(-1)).toBe(4000);
    expect(Math.max(...ms)).toBe(4000);
    // prevote and precommit timeouts too
    const { feed: f2 } = engineOf(undefined);
    f2({ kind: 'start' });
    f2(v(PREVOTE, 20, NIL, 0));
    f2(v(PREVOTE, 20, NIL, 1));
    f2(timeout(TimeoutStep.PROPOSE, 20));
    expect(f2(v(PREVOTE, 20, A, 2))).toEqual([sched(TimeoutStep.PREVOTE, 20, 4000)]);
    const custom = new ConsensusEngine<string>({
      height: H,
      validators: FOUR,
      timeouts: { ...DEFAULT_TIMEOUTS, precommitMs: 10, precommitDeltaMs: 5 },
    });
    custom.handle({ kind: 'start' });
    custom.handle(timeout(TimeoutStep.PROPOSE, 0));
    const outs = [0, 1, 2].flatMap((i) => custom.handle(v(PRECOMMIT, 0, NIL, i)));
    expect(outs).toContainEqual(sched(TimeoutStep.PRECOMMIT, 0, 10));
  });

  it('reaches quorums by voting power, not by count', () => {
    // powers 5, 1, 1, 1 (total 8): validator 0 and one other hold 6 > 16/3; three small ones hold 3 of 8
    const { engine, feed } = engineOf(3, setOf([5n, 1n, 1n, 1n]));
    feed({ kind: 'start' });
    feed(p(0, A));
    expect(feedMany(feed, votes(PREVOTE, 0, A, [1, 2, 3]))).toEqual([]);
    expect(engine.state.step).toBe(Step.PREVOTE);
    expect(feed(v(PREVOTE, 0, A, 0))).toEqual([precommit(0, A)]);
    expect(feed(v(PRECOMMIT, 0, A, 0))).toEqual([]);
    expect(feed(v(PRECOMMIT, 0, A, 1)).map((o) => o.kind)).toEqual(['decide']);
  });

  it('skips on one validator holding more than a third of the power', () => {
    const { engine, feed } = engineOf(2, setOf([5n, 1n, 1n, 1n]));
    feed({ kind: 'start' });
    expect(feed(v(PREVOTE, 7, NIL, 0))).toEqual([proposeTimeout(7)]);
    expect(engine.state.round).toBe(7);
  });

  it('ignores malformed inputs and inputs for another height', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    const bad: EngineInput<string>[] = [
      { kind: 'vote', vote: vote(PREVOTE, 0, A, 0, 2n) },
      { kind: 'vote', vote: vote(PREVOTE, 0, A, 4) },
      { kind: 'vote', vote: { ...vote(PREVOTE, 0, A, 0), type: 3 } },
      { kind: 'vote', vote: { ...vote(PREVOTE, 0, A, 0), type: 0 } },
      { kind: 'vote', vote: vote(PREVOTE, 0, A.slice(0, 31), 0) },
      { kind: 'proposal', proposal: proposal(0, A, NO_ROUND, 2n), block: 'x', valid: true },
      { kind: 'proposal', proposal: proposal(0, NIL), block: 'x', valid: true },
      { kind: 'proposal', proposal: proposal(0, A, 0), block: 'x', valid: true },
      { kind: 'proposal', proposal: proposal(1, A, 3), block: 'x', valid: true },
      { kind: 'start' },
    ];
    expect(feedMany(feed, bad)).toEqual([]);
    expect(engine.stats).toEqual({ ignored: bad.length, duplicates: 0, equivocations: 0 });
    expect(engine.votes(0)).toEqual([]);
    expect(engine.proposals(0)).toEqual([]);
    expect(engine.state).toMatchObject({ round: 0, step: Step.PROPOSE });
  });

  it('keeps the first proposal of a round', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    expect(feed(p(0, A))).toEqual([prevote(0, A)]);
    expect(feed(p(0, B))).toEqual([]);
    expect(feed(p(0, A))).toEqual([]);
    expect(engine.stats).toEqual({ ignored: 0, duplicates: 1, equivocations: 1 });
    expect(engine.proposals(0).map((x) => x.block)).toEqual([label(A)]);
    expect(engine.hasBlock(A)).toBe(true);
    expect(engine.hasBlock(B)).toBe(false);
  });

  it('emits only evidence after deciding', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, votes(PRECOMMIT, 0, A, [0, 2, 3]));
    expect(engine.state.decision).toBeDefined();
    expect(feedMany(feed, [...votes(PREVOTE, 5, NIL, [0, 2, 3]), timeout(TimeoutStep.PRECOMMIT, 0)])).toEqual([]);
    expect(feed(v(PRECOMMIT, 0, NIL, 0)).map((o) => o.kind)).toEqual(['evidence']);
    expect(engine.state).toMatchObject({ round: 0, step: Step.COMMIT });
    expect(engine.votes(5)).toHaveLength(3);
  });

  it('updates the valid value but not the lock on a polka seen after precommitting', () => {
    const { engine, feed } = engineOf(1);
    feed({ kind: 'start' });
    feed(p(0, A));
    feedMany(feed, [v(PREVOTE, 0, A, 0), v(PREVOTE, 0, NIL, 2)]);
    feed(v(PREVOTE, 0, A, 1));
    expect(feed(timeout(TimeoutStep.PREVOTE, 0))).toEqual([precommit(0, NIL)]);
    expect(feed(v(PREVOTE, 0, A, 3))).toEqual([]);
    expect(engine.state).toMatchObject({ lockedRound: NO_ROUND, validRound: 0, validHash: A });
  });

  it('holds proposals and votes for catch-up by round', () => {
    const { engine, feed } = toRound1(1);
    feed(p(1, A));
    feed(v(PREVOTE, 1, A, 3));
    feed(v(PRECOMMIT, 1, NIL, 0));
    feed(v(PREVOTE, 1, A, 0));
    expect(engine.proposals(0).map((x) => x.proposal.round)).toEqual([1]);
    expect(engine.votes(1).map((x) => [x.type, x.validatorIndex])).toEqual([
      [PREVOTE, 0],
      [PREVOTE, 3],
      [PRECOMMIT, 0],
    ]);
    expect(engine.votes(0)).toHaveLength(9);
  });

  it('rejects options that cannot describe a validator', () => {
    expect(() => new ConsensusEngine({ height: H, validators: FOUR, selfIndex: 4 })).toThrow(RangeError);
    expect(() => new ConsensusEngine({ height: 0n, validators: FOUR })).toThrow(RangeError);
  });
});
