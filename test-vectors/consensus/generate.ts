// Writes test-vectors/consensus/consensus-v0.json: scripted runs of one height of Tendermint (CONS-6), each event
// followed by what the algorithm must do. Every expected output below is stated by hand from Algorithm 1 of
// Buchman, Kwon, Milosevic (arXiv 1807.04938) and the rules of specs/consensus.md: nothing here runs
// packages/consensus. The generator only computes what is mechanical: the CONS-2 validator order, the CONS-3
// proposer schedule (an independent model below), the CONS-7 timeout formula, and ed25519 signatures over the
// CONS-4/CONS-5 sign bytes. The output form is documented in test-vectors/README.md ("consensus").
// Run: node test-vectors/consensus/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Proposal, Vote } from '@babychain/codec';
import { encode, sha256, toHex, toJson } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';

const CHAIN = 'babychain-vectors-1';
const utf8 = (s: string) => new TextEncoder().encode(s);

// --- keys and validator sets (CONS-2) ---------------------------------------------------------------------------------
interface Key {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly address: string; // hex, for ordering
}
const key = (n: number): Key => {
  const seed = sha256(utf8(`babychain consensus vector key ${n}`));
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: toHex(addressFromPublicKey(publicKey)) };
};

interface VSet {
  /** the input list, in the order given (key number order, not CONS-2 order) */
  readonly input: { publicKey: string; power: string }[];
  /** CONS-2 order: power descending, then address ascending */
  readonly members: { key: Key; power: bigint }[];
  readonly total: bigint;
}
function vset(entries: [keyNumber: number, power: bigint][]): VSet {
  const given = entries.map(([n, power]) => ({ key: key(n), power }));
  const members = [...given].sort((a, b) =>
    a.power !== b.power ? (a.power > b.power ? -1 : 1) : a.key.address < b.key.address ? -1 : 1,
  );
  return {
    input: given.map((m) => ({ publicKey: toHex(m.key.publicKey), power: m.power.toString() })),
    members,
    total: members.reduce((s, m) => s + m.power, 0n),
  };
}

/** CONS-3, modelled literally: smooth weighted round robin from all-zero priorities, step k = (h - 1 + r) mod period. */
function proposerOf(set: VSet, height: bigint, round: number): number {
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const period = set.total / set.members.reduce((g, m) => gcd(g, m.power), 0n);
  const k = Number((height - 1n + BigInt(round)) % period);
  const priority = set.members.map(() => 0n);
  let chosen = -1;
  for (let step = 0; step <= k; step++) {
    for (let i = 0; i < priority.length; i++)
      priority[i] = (priority[i] as bigint) + (set.members[i] as VSet['members'][0]).power;
    chosen = 0;
    for (let i = 1; i < priority.length; i++) if ((priority[i] as bigint) > (priority[chosen] as bigint)) chosen = i;
    priority[chosen] = (priority[chosen] as bigint) - set.total;
  }
  return chosen;
}

/** four validators of power 1: proposer(1, r) = r mod 4 */
const EQUAL4 = vset([
  [0, 1n],
  [1, 1n],
  [2, 1n],
  [3, 1n],
]);
/** three validators of power 1: one of them is exactly 1/3 */
const EQUAL3 = vset([
  [30, 1n],
  [31, 1n],
  [32, 1n],
]);
/** powers 4, 3, 2, 1 (given in another order): 2f+1 needs 7 of 10, f+1 needs 4 */
const W10 = vset([
  [13, 1n],
  [11, 3n],
  [12, 2n],
  [10, 4n],
]);
/** powers 3, 3, 2, 1: 6 of 9 is exactly 2/3, 3 of 9 exactly 1/3 */
const W9 = vset([
  [20, 3n],
  [21, 3n],
  [22, 2n],
  [23, 1n],
]);

// sanity of the schedules the cases rely on (stated by hand from CONS-3, checked against the model)
const expectSchedule = (set: VSet, height: bigint, want: number[]) => {
  const got = want.map((_, r) => proposerOf(set, height, r));
  if (got.join() !== want.join()) throw new Error(`schedule ${got} != ${want}`);
};
expectSchedule(EQUAL4, 1n, [0, 1, 2, 3, 0, 1]);
expectSchedule(EQUAL4, 2n, [1, 2, 3, 0]);
expectSchedule(EQUAL3, 1n, [0, 1, 2, 0, 1]);
// priorities: [4,3,2,1]→0; [-2,6,4,2]→1; [2,-1,6,3]→2; [6,2,-2,4]→0; [0,5,0,5]→1 (tie, lowest index); [4,-2,2,6]→3; ...
expectSchedule(W10, 1n, [0, 1, 2, 0, 1, 3, 0, 2, 1, 0, 0]);
expectSchedule(W10, 3n, [2, 0, 1, 3]);
expectSchedule(W9, 1n, [0, 1, 2]);

// --- blocks, votes, proposals (CONS-4, CONS-5) ------------------------------------------------------------------------
type Label = 'A' | 'B' | null; // null: nil
const hashOf = (label: Label): Uint8Array => (label === null ? new Uint8Array(0) : sha256(utf8(`block ${label}`)));
const hexOf = (label: Label) => toHex(hashOf(label));
const TYPE = { prevote: 1, precommit: 2 } as const;
type VoteKind = keyof typeof TYPE;
const T0 = 1_800_000_000_000n;

const STEP_MS = { propose: [1000, 250], prevote: [300, 250], precommit: [300, 250] } as const;
const MAX_MS = 4000;
type TimeoutKind = keyof typeof STEP_MS;

// --- scripts -----------------------------------------------------------------------------------------------------------
type Json = Record<string, unknown>;
/** an expected output; a function is resolved once its event is recorded (a commit needs the event's precommit) */
type Expect = Json | (() => Json);

interface FinalSpec {
  round: number;
  step: 'propose' | 'prevote' | 'precommit' | 'commit';
  locked?: [number, Label];
  valid?: [number, Label];
  decision?: [number, Label];
}

/** One case being written: events in order, and after each the outputs the author states. */
class Script {
  readonly set: VSet;
  readonly self: number | null;
  readonly height: bigint;
  readonly events: Json[] = [];
  readonly outputs: Json[][] = [];
  /** the first precommit fed per (round, validator): what a commit certificate carries */
  readonly #precommits = new Map<string, Vote>();

  constructor(set: VSet, self: number | null, height = 1n) {
    this.set = set;
    this.self = self;
    this.height = height;
  }

  #push(event: Json, expected: Expect[]): void {
    this.events.push(event);
    this.outputs.push(expected.map((e) => (typeof e === 'function' ? e() : e)));
  }

  start(...expected: Expect[]): this {
    this.#push({ start: true }, expected);
    return this;
  }

  /** a proposal of `round` signed by proposer(height, round); vr is the paper's (-1: none) */
  proposal(
    round: number,
    label: Exclude<Label, null>,
    opts: { vr?: number; valid?: boolean; height?: bigint; timeMs?: bigint },
    ...expected: Expect[]
  ): this {
    const height = opts.height ?? this.height;
    const fields = {
      height,
      round,
      polRound: (opts.vr ?? -1) + 1,
      blockHash: hashOf(label),
      timeMs: opts.timeMs ?? T0 + BigInt(round) * 10_000n,
    };
    const signer = this.set.members[proposerOf(this.set, height, round)] as VSet['members'][0];
    const doc = encode('babychain.v0.ProposalSignDoc', { domain: 'babychain/proposal/v0', chainId: CHAIN, ...fields });
    const proposal: Proposal = { ...fields, signature: sign(signer.key.seed, doc) };
    this.#push(
      { proposal: toJson('babychain.v0.Proposal', proposal), block: hexOf(label), valid: opts.valid ?? true },
      expected,
    );
    return this;
  }

  /** a signed vote (not fed: use `feed`) */
  vote(
    kind: VoteKind,
    round: number,
    label: Label,
    index: number,
    opts: { height?: bigint; timeMs?: bigint; type?: number; blockHash?: Uint8Array } = {},
  ): Vote {
    const fields = {
      type: opts.type ?? TYPE[kind],
      height: opts.height ?? this.height,
      round,
      blockHash: opts.blockHash ?? hashOf(label),
      timeMs: opts.timeMs ?? T0 + BigInt(round) * 10_000n + BigInt(TYPE[kind]) * 1_000n + BigInt(index) * 10n,
    };
    const signer = this.set.members[index] ?? this.set.members[0];
    const doc = encode('babychain.v0.VoteSignDoc', { domain: 'babychain/vote/v0', chainId: CHAIN, ...fields });
    return { ...fields, validatorIndex: index, signature: sign((signer as VSet['members'][0]).key.seed, doc) };
  }

  feed(vote: Vote, ...expected: Expect[]): this {
    const k = `${vote.round}/${vote.validatorIndex}`;
    if (vote.type === TYPE.precommit && vote.height === this.height && !this.#precommits.has(k)) {
      this.#precommits.set(k, vote);
    }
    this.#push({ vote: toJson('babychain.v0.Vote', vote) }, expected);
    return this;
  }

  pv(round: number, label: Label, index: number, ...expected: Expect[]): this {
    return this.feed(this.vote('prevote', round, label, index), ...expected);
  }

  pc(round: number, label: Label, index: number, ...expected: Expect[]): this {
    return this.feed(this.vote('precommit', round, label, index), ...expected);
  }

  /** several votes, nothing expected after any but the last */
  pvs(round: number, label: Label, indices: number[], ...expectedAfterLast: Expect[]): this {
    for (const [n, i] of indices.entries()) {
      this.pv(round, label, i, ...(n === indices.length - 1 ? expectedAfterLast : []));
    }
    return this;
  }

  pcs(round: number, label: Label, indices: number[], ...expectedAfterLast: Expect[]): this {
    for (const [n, i] of indices.entries()) {
      this.pc(round, label, i, ...(n === indices.length - 1 ? expectedAfterLast : []));
    }
    return this;
  }

  timeout(step: TimeoutKind, round: number, ...expected: Expect[]): this {
    return this.timeoutAt(this.height, step, round, ...expected);
  }

  timeoutAt(height: bigint, step: TimeoutKind, round: number, ...expected: Expect[]): this {
    this.#push({ timeout: { step, height: height.toString(), round } }, expected);
    return this;
  }

  // expected outputs
  propose(round: number, polRound: number, block: Label): Json {
    return {
      propose: { height: this.height.toString(), round, polRound, block: block === null ? null : hexOf(block) },
    };
  }
  prevote(round: number, label: Label): Json {
    return { vote: { type: 'prevote', height: this.height.toString(), round, blockHash: hexOf(label) } };
  }
  precommit(round: number, label: Label): Json {
    return { vote: { type: 'precommit', height: this.height.toString(), round, blockHash: hexOf(label) } };
  }
  /** CONS-7: base + round * delta, at most 4000 (DEFAULT_TIMEOUTS) */
  sched(step: TimeoutKind, round: number): Json {
    const [base, delta] = STEP_MS[step];
    return { timeout: { step, height: this.height.toString(), round, ms: Math.min(base + round * delta, MAX_MS) } };
  }
  /** the commit carries the signers' precommits for `label` at `round`, ascending index */
  decide(round: number, label: Exclude<Label, null>, signers: number[]): Expect {
    return () => this.#decide(round, label, signers);
  }
  #decide(round: number, label: Exclude<Label, null>, signers: number[]): Json {
    const signatures = [...signers]
      .sort((a, b) => a - b)
      .map((i) => {
        const v = this.#precommits.get(`${round}/${i}`);
        if (v === undefined || toHex(v.blockHash) !== hexOf(label)) {
          throw new Error(`script error: validator ${i} did not first-precommit ${label} at round ${round}`);
        }
        return { validatorIndex: i, timeMs: v.timeMs, signature: v.signature };
      });
    const commit = { height: this.height, round, blockHash: hashOf(label), signatures };
    return {
      decide: {
        height: this.height.toString(),
        round,
        blockHash: hexOf(label),
        block: hexOf(label),
        commit: toJson('babychain.v0.Commit', commit),
      },
    };
  }
  /** CONS-9: vote_a is the vote whose block hash sorts first bytewise, the empty (nil) hash first */
  evidence(x: Vote, y: Vote): Json {
    const [a, b] = toHex(x.blockHash) < toHex(y.blockHash) ? [x, y] : [y, x];
    return { evidence: toJson('babychain.v0.DuplicateVoteEvidence', { voteA: a, voteB: b }) };
  }

  build(final: FinalSpec): { input: Json; expected: Json } {
    const pair = (p: [number, Label] | undefined) =>
      p === undefined ? [-1, null] : [p[0], p[1] === null ? null : hexOf(p[1])];
    const [lockedRound, lockedHash] = pair(final.locked);
    const [validRound, validHash] = pair(final.valid);
    return {
      input: {
        chainId: CHAIN,
        validators: this.set.input,
        self: this.self,
        height: this.height.toString(),
        events: this.events,
      },
      expected: {
        ok: true,
        outputs: this.outputs,
        final: {
          round: final.round,
          step: final.step,
          lockedRound,
          lockedHash,
          validRound,
          validHash,
          decision:
            final.decision === undefined ? null : { round: final.decision[0], blockHash: hexOf(final.decision[1]) },
        },
      },
    };
  }
}

interface Case {
  id: string;
  description: string;
  rule: string;
  input: Json;
  expected: Json;
}
const cases: Case[] = [];
function add(id: string, rule: string, description: string, script: Script, final: FinalSpec): void {
  if (script.events.length !== script.outputs.length) throw new Error(id);
  cases.push({ id: `consensus-${id}`, description, rule, ...script.build(final) });
}

// --- happy paths ------------------------------------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 0);
  s.start(s.propose(0, -1, null))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1, 2], s.precommit(0, 'A'))
    .pcs(0, 'A', [0, 1])
    .pc(0, 'A', 2, s.decide(0, 'A', [0, 1, 2]));
  add(
    'happy-path-proposer',
    'CONS-6',
    'validator 0 proposes at round 0 (no valid value: polRound -1, a new block), prevotes its own proposal, locks on 2f+1 prevotes and decides on 2f+1 precommits',
    s,
    { round: 0, step: 'commit', locked: [0, 'A'], valid: [0, 'A'], decision: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1])
    .pv(0, 'A', 2, s.precommit(0, 'A'))
    .pcs(0, 'A', [3, 1])
    .pc(0, 'A', 2, s.decide(0, 'A', [1, 2, 3]));
  add(
    'happy-path-validator',
    'CONS-6',
    'validator 2 is not the proposer: it schedules the propose timeout, prevotes the proposal, precommits on the polka and decides; the commit lists the precommitters by ascending index',
    s,
    { round: 0, step: 'commit', locked: [0, 'A'], valid: [0, 'A'], decision: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1, 2n);
  s.start(s.propose(0, -1, null))
    .proposal(0, 'B', {}, s.prevote(0, 'B'))
    .pvs(0, 'B', [1, 2, 3], s.precommit(0, 'B'))
    .pcs(0, 'B', [0, 3, 1], s.decide(0, 'B', [0, 1, 3]));
  add(
    'happy-path-height-2',
    'CONS-3',
    'at height 2 the schedule is one step further: validator 1 proposes round 0 and the height is decided',
    s,
    { round: 0, step: 'commit', locked: [0, 'B'], valid: [0, 'B'], decision: [0, 'B'] },
  );
}
{
  const s = new Script(EQUAL4, null);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {})
    .pvs(0, 'A', [0, 1, 2])
    .pcs(0, 'A', [2, 0, 1], s.decide(0, 'A', [0, 1, 2]));
  add(
    'observer-decides',
    'CONS-6',
    'a node that is not a validator follows the steps (and its lock) without emitting any vote, and decides',
    s,
    { round: 0, step: 'commit', locked: [0, 'A'], valid: [0, 'A'], decision: [0, 'A'] },
  );
}

// --- nil rounds and timeouts (CONS-7) ---------------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .timeout('propose', 0, s.prevote(0, null))
    .pvs(0, null, [2, 0])
    .pv(0, null, 1, s.precommit(0, null))
    .pcs(0, null, [2, 0, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1));
  add(
    'nil-round-propose-timeout',
    'CONS-7',
    'no proposal arrives: the propose timeout makes validator 2 prevote nil; 2f+1 nil prevotes make it precommit nil at once (line 44 before the prevote timeout of line 34); 2f+1 precommits schedule the precommit timeout, which starts round 1 with a longer propose timeout',
    s,
    { round: 1, step: 'propose' },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pv(0, 'A', 0)
    .pv(0, null, 1)
    .pv(0, 'A', 2, s.sched('prevote', 0))
    .pv(0, null, 3)
    .timeout('prevote', 0, s.precommit(0, null))
    .pcs(0, null, [0, 1, 2], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1));
  add(
    'prevote-timeout-split-vote',
    'CONS-7',
    'prevotes split 2/2 between the block and nil: 2f+1 prevotes of any kind schedule the prevote timeout once (line 34), its expiry precommits nil (line 61), and the precommit timeout moves to round 1',
    s,
    { round: 1, step: 'propose' },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .pvs(3, null, [0, 1], s.sched('propose', 3))
    .pvs(15, null, [0, 1], s.sched('propose', 15))
    .timeout('propose', 15, s.prevote(15, null))
    .pv(15, 'B', 3, s.sched('prevote', 15))
    .timeout('prevote', 15, s.precommit(15, null))
    .pcs(15, null, [0, 1, 2], s.sched('precommit', 15));
  add(
    'timeouts-grow-and-cap',
    'CONS-7',
    'timeouts grow by their delta per round (propose 1000 + 250 r: 1750 at round 3) and stop at the 4000 ms cap (round 15: propose 4750, prevote and precommit 4050, all capped)',
    s,
    { round: 15, step: 'precommit' },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .timeoutAt(2n, 'propose', 0)
    .timeout('prevote', 0)
    .timeout('precommit', 1)
    .timeout('propose', 1)
    .timeout('propose', 0, s.prevote(0, null))
    .timeout('propose', 0)
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .timeout('precommit', 0)
    .timeout('prevote', 0)
    .timeout('propose', 0);
  add(
    'stale-timeouts-ignored',
    'CONS-7',
    'a timeout only acts for the current height and round and, for propose and prevote, the step it was set for: timeouts of another height, of a future or past round, or of a step already left do nothing',
    s,
    { round: 1, step: 'propose' },
  );
}
{
  const s = new Script(EQUAL4, 1);
  const other = 2n;
  s.start(s.sched('propose', 0))
    .feed(s.vote('prevote', 0, 'A', 0, { height: other }))
    .proposal(0, 'B', { height: other })
    .feed(s.vote('precommit', 3, null, 0, { height: other }))
    .feed(s.vote('precommit', 3, null, 2, { height: other }))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 2])
    .feed(s.vote('prevote', 0, 'A', 3, { height: other }))
    .pv(0, 'A', 3, s.precommit(0, 'A'));
  add(
    'other-height-ignored',
    'CONS-6',
    'proposals and votes of another height count for nothing: not towards a polka, not towards a round skip',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}

// --- locking and the valid value ----------------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0)).proposal(0, 'A', {}, s.prevote(0, 'A')).pvs(0, 'A', [0, 2, 3], s.precommit(0, 'A'));
  add(
    'lock-on-polka',
    'CONS-6',
    'a valid proposal and 2f+1 prevotes for it at the current round while in prevote: lock it, make it the valid value and precommit it (line 36)',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1, 3], s.precommit(0, 'A'))
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', {}, s.prevote(1, null));
  add(
    'stay-locked',
    'CONS-6',
    'locked on A at round 0, validator 2 prevotes nil for a new proposal of B without a proof of lock in round 1 (line 22)',
    s,
    { round: 1, step: 'prevote', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1, 3], s.precommit(0, 'A'))
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'A', {}, s.prevote(1, 'A'));
  add(
    'locked-value-proposed-again',
    'CONS-6',
    'locked on A, validator 2 prevotes A when it is proposed again, even without a proof of lock (lockedValue = v, line 23)',
    s,
    { round: 1, step: 'prevote', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1, 3], s.precommit(0, 'A'))
    .pcs(0, null, [0, 1, 2], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', {}, s.prevote(1, null))
    .pcs(1, null, [0, 1, 2], s.sched('precommit', 1))
    .timeout('precommit', 1, s.sched('propose', 2))
    .proposal(2, 'B', { vr: 1 })
    .pvs(1, 'B', [0, 1])
    .pv(1, 'B', 2, s.prevote(2, 'B'))
    .pvs(2, 'B', [0, 1, 2], s.precommit(2, 'B'));
  add(
    'unlock-on-higher-polka',
    'CONS-6',
    'locked on A at round 0, validator 3 missed the round-1 polka for B; the round-2 proposal of B with polRound 1 waits until the 2f+1 round-1 prevotes for B arrive, then it is prevoted (line 28: lockedRound 0 <= vr 1), and the round-2 polka moves the lock to B',
    s,
    { round: 2, step: 'precommit', locked: [2, 'B'], valid: [2, 'B'] },
  );
}
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1, 2], s.precommit(0, 'A'))
    .pcs(0, null, [0, 1, 2], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', {}, s.prevote(1, null))
    .pvs(1, 'B', [0, 1, 2], s.precommit(1, 'B'))
    .pcs(1, null, [0, 1, 2], s.sched('precommit', 1))
    .timeout('precommit', 1, s.sched('propose', 2))
    .proposal(2, 'A', { vr: 0 }, s.prevote(2, null));
  add(
    'no-unlock-on-older-polka',
    'CONS-6',
    'locked on B at round 1, validator 3 prevotes nil for A proposed with a proof of lock of round 0 (line 28: lockedRound 1 > vr 0 and B != A)',
    s,
    { round: 2, step: 'prevote', locked: [1, 'B'], valid: [1, 'B'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 2, 3], s.precommit(0, 'A'))
    .pcs(0, null, [0, 2, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.propose(1, 0, 'A'))
    .proposal(1, 'A', { vr: 0 }, s.prevote(1, 'A'));
  add(
    'repropose-valid-value',
    'CONS-6',
    'validator 1, proposer of round 1, holds the valid value A of round 0: it proposes A again with polRound 0 (lines 15-18) and prevotes it through line 28',
    s,
    { round: 1, step: 'prevote', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pv(0, 'A', 0)
    .pv(0, null, 2)
    .pv(0, 'A', 1, s.sched('prevote', 0))
    .timeout('prevote', 0, s.precommit(0, null))
    .pv(0, 'A', 3)
    .pcs(0, null, [0, 2, 1], s.sched('precommit', 0))
    .timeout('precommit', 0, s.propose(1, 0, 'A'));
  add(
    'valid-value-without-lock',
    'CONS-6',
    'the polka for A completes after validator 1 precommitted nil: line 36 then only records A as the valid value (no lock, no vote); as proposer of round 1 it proposes A with polRound 0',
    s,
    { round: 1, step: 'propose', valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .timeout('propose', 0, s.prevote(0, null))
    .pvs(0, 'B', [0, 1, 3], s.sched('prevote', 0))
    .timeout('prevote', 0, s.precommit(0, null))
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', { vr: 0 }, s.prevote(1, 'B'));
  add(
    'polround-proposal-accepted',
    'CONS-6',
    'validator 2 never saw the round-0 proposal but holds 2f+1 round-0 prevotes for B: B proposed at round 1 with polRound 0 is prevoted (line 28, not locked)',
    s,
    { round: 1, step: 'prevote' },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .timeout('propose', 0, s.prevote(0, null))
    .pvs(0, null, [0, 1, 2], s.precommit(0, null))
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', { vr: 0 })
    .pv(0, 'B', 3)
    .timeout('propose', 1, s.prevote(1, null));
  add(
    'polround-proposal-waits-for-polka',
    'CONS-6',
    'a proposal with polRound 0 is not prevoted while the round-0 prevotes for it fall short of 2f+1 (line 28 never fires); the propose timeout then prevotes nil',
    s,
    { round: 1, step: 'prevote' },
  );
}
{
  const s = new Script(EQUAL4, 2);
  s.start(s.sched('propose', 0))
    .timeout('propose', 0, s.prevote(0, null))
    .pvs(0, 'B', [0, 1, 3], s.sched('prevote', 0))
    .timeout('prevote', 0, s.precommit(0, null))
    .pcs(0, null, [0, 1, 3], s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .proposal(1, 'B', { vr: 0, valid: false }, s.prevote(1, null));
  add(
    'polround-proposal-invalid',
    'CONS-6',
    'a proof-of-lock proposal whose block the application rejects is prevoted nil (line 29: valid(v) fails)',
    s,
    { round: 1, step: 'prevote' },
  );
}
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', { valid: false }, s.prevote(0, null))
    .pvs(0, 'A', [0, 2, 3], s.sched('prevote', 0))
    .pcs(0, 'A', [0, 2, 3], s.sched('precommit', 0));
  add(
    'invalid-block-prevote-nil',
    'CONS-6',
    'an invalid proposal is prevoted nil; a polka for it does not lock it (line 36 needs valid(v)) and 2f+1 precommits for it do not decide it (line 50): only the timeouts are scheduled',
    s,
    { round: 0, step: 'prevote' },
  );
}
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .proposal(0, 'B', {})
    .pvs(0, 'B', [0, 2, 3], s.sched('prevote', 0));
  add(
    'second-proposal-ignored',
    'CONS-6',
    'only the first proposal of a round is held: a polka for the second, different proposal does not lock it (there is no proposal for it)',
    s,
    { round: 0, step: 'prevote' },
  );
}

// --- round skips (line 55) ----------------------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0)).pv(5, null, 0).pc(5, null, 1, s.sched('propose', 5)).pv(2, null, 0).pv(2, null, 2);
  add(
    'skip-round-f-plus-1',
    'CONS-6',
    'messages of round 5 from 2 of 4 validators (f+1 of the power, any vote type) start round 5; f+1 of a lower round later does nothing',
    s,
    { round: 5, step: 'propose' },
  );
}
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0)).pv(2, null, 0).proposal(2, 'B', {}, s.sched('propose', 2), s.prevote(2, 'B'));
  add(
    'skip-round-proposal-counts',
    'CONS-6',
    'a proposal is a message of its proposer: with a prevote of validator 0 and the proposal of validator 2 (proposer of round 2), round 2 starts and its proposal is prevoted at once',
    s,
    { round: 2, step: 'prevote' },
  );
}
{
  const s = new Script(EQUAL3, 0);
  s.start(s.propose(0, -1, null))
    .pv(4, null, 1)
    .pc(4, null, 1)
    .pv(4, null, 2, s.sched('propose', 4));
  add(
    'no-skip-on-one-third',
    'CONS-6',
    'with 3 validators of power 1, votes of round 4 from one validator are exactly 1/3, not f+1: no skip; a second validator makes it',
    s,
    { round: 4, step: 'propose' },
  );
}
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0))
    .proposal(2, 'B', {})
    .pc(2, 'B', 2)
    .pc(2, 'B', 1, s.sched('propose', 2), s.prevote(2, 'B'))
    .pc(2, 'B', 0, s.decide(2, 'B', [0, 1, 2]));
  add(
    'skip-then-decide-higher-round',
    'CONS-6',
    'precommits of round 2 arrive while validator 3 is at round 0: f+1 senders start round 2 (the held proposal is prevoted), and 2f+1 precommits with the proposal decide it (line 49)',
    s,
    { round: 2, step: 'commit', decision: [2, 'B'] },
  );
}

// --- deciding in another round (line 49) --------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 3);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pv(0, 'A', 3)
    .pv(0, 'A', 0)
    .pv(0, null, 1, s.sched('prevote', 0))
    .timeout('prevote', 0, s.precommit(0, null))
    .pc(0, null, 3)
    .pc(0, 'A', 0)
    .pc(0, 'A', 1, s.sched('precommit', 0))
    .timeout('precommit', 0, s.sched('propose', 1))
    .pc(0, 'A', 2, s.decide(0, 'A', [0, 1, 2]));
  add(
    'decide-earlier-round',
    'CONS-6',
    'validator 3 moved to round 1 after precommitting nil; a late round-0 precommit completes 2f+1 for A with the round-0 proposal held: it decides A in round 0 from round 1 (line 49 holds for any round)',
    s,
    { round: 1, step: 'commit', decision: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .pcs(0, 'A', [0, 2, 3], s.sched('precommit', 0))
    .proposal(0, 'A', {}, s.decide(0, 'A', [0, 2, 3]));
  add(
    'decide-on-late-proposal',
    'CONS-6',
    'the precommits come first (scheduling the precommit timeout); the proposal completes line 49 and the height is decided without a prevote',
    s,
    { round: 0, step: 'commit', decision: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  const late = s.vote('precommit', 0, null, 0);
  const again = s.vote('precommit', 0, 'A', 1, { timeMs: T0 + 99n });
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pcs(0, 'A', [0, 2, 3], s.decide(0, 'A', [0, 2, 3]))
    .pvs(4, null, [0, 2, 3])
    .timeout('propose', 0)
    .pc(0, 'A', 1)
    .feed(again)
    .feed(late, s.evidence(s.vote('precommit', 0, 'A', 0), late));
  add(
    'after-decision-only-evidence',
    'CONS-9',
    'after deciding, the engine emits nothing for votes of later rounds or timeouts, but a conflicting precommit still yields evidence',
    s,
    { round: 0, step: 'commit', decision: [0, 'A'] },
  );
}

// --- duplicates and equivocation (CONS-9) -------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .proposal(0, 'A', {})
    .pv(0, 'A', 0)
    .pv(0, 'A', 0)
    .feed(s.vote('prevote', 0, 'A', 0, { timeMs: T0 + 1n }))
    .pv(0, 'A', 2)
    .pv(0, 'A', 2)
    .pv(0, 'A', 3, s.precommit(0, 'A'));
  add(
    'duplicate-votes-ignored',
    'CONS-6',
    'a vote received again (even re-signed at another time, same block) and a repeated proposal count once: the polka needs a third validator',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  const first = s.vote('prevote', 0, 'A', 2);
  const second = s.vote('prevote', 0, null, 2);
  s.start(s.sched('propose', 0))
    .feed(first)
    .feed(second, s.evidence(first, second))
    .pv(0, 'B', 2)
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pv(0, 'A', 0)
    .pv(0, 'A', 3, s.precommit(0, 'A'));
  add(
    'equivocation-prevote-evidence',
    'CONS-9',
    'validator 2 prevotes A then nil: evidence once (the nil vote is vote_a), nothing for its third prevote (B); its first vote still counts towards the polka',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(EQUAL4, 1);
  const [lo, hi] = (hexOf('A') < hexOf('B') ? ['A', 'B'] : ['B', 'A']) as [Label, Label];
  const first = s.vote('precommit', 0, hi, 0);
  const second = s.vote('precommit', 0, lo, 0);
  const r3a = s.vote('precommit', 3, null, 0);
  const r3b = s.vote('precommit', 3, 'A', 0);
  const pvA = s.vote('prevote', 3, 'B', 0);
  const pvB = s.vote('prevote', 3, 'A', 0);
  s.start(s.sched('propose', 0))
    .feed(first)
    .feed(second, s.evidence(first, second))
    .pc(0, null, 0)
    .feed(r3a)
    .feed(r3b, s.evidence(r3a, r3b))
    .feed(pvA)
    .feed(pvB, s.evidence(pvA, pvB));
  add(
    'equivocation-precommit-evidence',
    'CONS-9',
    'conflicting precommits yield evidence ordered by block hash bytewise, once per (validator, round, type): again for another round and for the prevotes of that round; one validator is not f+1, so no round skip',
    s,
    { round: 0, step: 'propose' },
  );
}

// --- weighted validators (CONS-2, CONS-3) ------------------------------------------------------------------------------
{
  const s = new Script(W10, 3);
  s.start(s.sched('propose', 0)).pv(5, null, 0, s.propose(5, -1, null));
  add(
    'weighted-proposer-smallest',
    'CONS-3',
    'powers 4,3,2,1: the weighted round robin gives rounds 0..5 to validators 0,1,2,0,1,3; one prevote of round 5 from validator 0 (4 of 10 > 1/3) starts round 5, where validator 3 (power 1) proposes',
    s,
    { round: 5, step: 'propose' },
  );
}
{
  const s = new Script(W10, 1);
  s.start(s.sched('propose', 0)).pv(4, null, 0, s.propose(4, -1, null));
  add(
    'weighted-proposer-tie',
    'CONS-3',
    'at step 4 of the schedule validators 1 and 3 tie on priority 5: the lower index, 1, proposes round 4',
    s,
    { round: 4, step: 'propose' },
  );
}
{
  const s = new Script(W10, 2, 3n);
  s.start(s.propose(0, -1, null));
  add('weighted-proposer-height-3', 'CONS-3', 'proposer(3, 0) is step 2 of the schedule: validator 2', s, {
    round: 0,
    step: 'propose',
  });
}
{
  const s = new Script(W10, 3);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [1, 2, 3])
    .pv(0, 'A', 0, s.precommit(0, 'A'))
    .pc(0, 'A', 0)
    .pc(0, 'A', 1, s.decide(0, 'A', [0, 1]));
  add(
    'weighted-quorum-by-power',
    'CONS-6',
    'powers 4,3,2,1: three prevotes worth 6 of 10 are no polka (nor 2f+1 of any kind), the fourth is; two precommits worth 7 of 10 decide',
    s,
    { round: 0, step: 'commit', locked: [0, 'A'], valid: [0, 'A'], decision: [0, 'A'] },
  );
}
{
  const s = new Script(W9, 3);
  s.start(s.sched('propose', 0))
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 1])
    .pv(0, 'A', 3, s.precommit(0, 'A'));
  add(
    'weighted-two-thirds-is-not-quorum',
    'CONS-6',
    'powers 3,3,2,1: prevotes worth exactly 6 of 9 (2/3) are not 2f+1; one more (7 of 9) is',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}
{
  const s = new Script(W9, 3);
  s.start(s.sched('propose', 0)).pv(2, null, 0).pc(2, null, 0).pv(2, null, 2, s.sched('propose', 2));
  add(
    'weighted-no-skip-on-one-third',
    'CONS-6',
    'powers 3,3,2,1: votes of round 2 from validator 0 are exactly 3 of 9, not f+1; validator 2 adds 2 and round 2 starts',
    s,
    { round: 2, step: 'propose' },
  );
}

// --- malformed inputs -----------------------------------------------------------------------------------------------
{
  const s = new Script(EQUAL4, 1);
  s.start(s.sched('propose', 0))
    .feed(s.vote('prevote', 0, 'A', 4))
    .feed(s.vote('prevote', 0, 'A', 0, { type: 0 }))
    .feed(s.vote('prevote', 0, 'A', 2, { blockHash: hashOf('A').slice(0, 31) }))
    .proposal(0, 'B', { vr: 0 })
    .proposal(0, 'A', {}, s.prevote(0, 'A'))
    .pvs(0, 'A', [0, 2])
    .pv(0, 'A', 3, s.precommit(0, 'A'));
  add(
    'malformed-inputs-ignored',
    'CONS-6',
    'a vote with an index outside the set, a vote of type 0 (unspecified), a vote whose block hash is 31 bytes and a proposal whose polRound is not below its round are ignored: the later valid proposal is still the first one held, and the ignored votes count for nothing',
    s,
    { round: 0, step: 'precommit', locked: [0, 'A'], valid: [0, 'A'] },
  );
}

// --- write --------------------------------------------------------------------------------------------------------------
const ids = new Set(cases.map((c) => c.id));
if (ids.size !== cases.length) throw new Error('duplicate case id');
const file = {
  runner: 'consensus',
  description:
    'Tendermint consensus for one height (CONS-3, CONS-6, CONS-7, CONS-9): scripted events and, after each, the outputs Algorithm 1 requires, plus the final state',
  cases,
};
const path = join(import.meta.dirname, 'consensus-v0.json');
writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${path}`);
