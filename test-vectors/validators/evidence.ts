// The cases of test-vectors/validators/evidence.json (runner `validator-evidence`): CONS-13, the evidence a block at
// height h may carry, and CONS-9's checks it runs under set(e). Expected outcomes come from the model below, written
// from specs/consensus.md and independent of packages/consensus: CONS-2 order from the ADDR-1 formula written out,
// votes signed here over the canonical VoteSignDoc, and a signature taken as valid exactly when it is the one the
// named validator's own seed makes (ed25519 is deterministic). Each must-reject case has exactly one defect.
import type { Vote } from '@babychain/codec';
import { encode, sha256, toHex, toJson } from '@babychain/codec';
import { publicKeyFromSeed, sign } from '@babychain/crypto';
import type { Case } from './generate.ts';

const EVIDENCE_MAX_AGE = 100n; // CONS-13
const PREVOTE = 1;
const PRECOMMIT = 2;

interface Key {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}
const utf8 = (s: string) => new TextEncoder().encode(s);
const keyOf = (n: number): Key => {
  const seed = sha256(utf8(`babychain validator vector key ${n}`));
  return { seed, publicKey: publicKeyFromSeed(seed) };
};
/** five validators; the powers make CONS-2 order differ from the key order */
const K = [keyOf(500), keyOf(501), keyOf(502), keyOf(503), keyOf(504)] as const;
const seedByKey = new Map(K.map((k) => [toHex(k.publicKey), k.seed]));

interface Member {
  readonly key: Key;
  readonly power: bigint;
}
const addr1 = (publicKey: Uint8Array) => toHex(sha256(Uint8Array.of(0), publicKey).slice(0, 20));
/** CONS-2: power descending, then ADDR-1 address ascending */
const cons2 = (members: readonly Member[]): Member[] =>
  [...members].sort((a, b) =>
    a.power !== b.power ? (a.power > b.power ? -1 : 1) : addr1(a.key.publicKey) < addr1(b.key.publicKey) ? -1 : 1,
  );
/** the set of the evidence's height: K0..K3 with powers 5, 10, 10, 3 */
const SET4: Member[] = [
  { key: K[0], power: 5n },
  { key: K[1], power: 10n },
  { key: K[2], power: 10n },
  { key: K[3], power: 3n },
];
/** a later set the offender K3 has left, and K4 joined */
const LATER: Member[] = [
  { key: K[0], power: 5n },
  { key: K[1], power: 10n },
  { key: K[2], power: 10n },
  { key: K[4], power: 7n },
];
const indexIn = (set: readonly Member[], k: Key) =>
  cons2(set).findIndex((m) => toHex(m.key.publicKey) === toHex(k.publicKey));

// --- votes ------------------------------------------------------------------------------------------------------------
const blockHash = (label: string) => sha256(utf8(`evidence block ${label}`));
const [LOW, HIGH] = [blockHash('A'), blockHash('B')].sort((a, b) => (toHex(a) < toHex(b) ? -1 : 1)) as [
  Uint8Array,
  Uint8Array,
];
const NIL = new Uint8Array(0);
const T0 = 1_800_000_000_000n;

interface VoteSpec {
  type?: number;
  height: bigint;
  round?: number;
  hash: Uint8Array;
  timeMs?: bigint;
  /** the index the vote names; by default the signer's in SET4 */
  index?: number;
  signer?: Key;
}
const signDoc = (chainId: string, v: Omit<Vote, 'signature' | 'validatorIndex'>) =>
  encode('babychain.v0.VoteSignDoc', {
    domain: 'babychain/vote/v0',
    chainId,
    type: v.type,
    height: v.height,
    round: v.round,
    blockHash: v.blockHash,
    timeMs: v.timeMs,
  });

function makeVote(chainId: string, s: VoteSpec): Vote {
  const signer = s.signer ?? K[3];
  const fields = {
    type: s.type ?? PREVOTE,
    height: s.height,
    round: s.round ?? 0,
    blockHash: s.hash,
    timeMs: s.timeMs ?? T0,
  };
  return {
    ...fields,
    validatorIndex: s.index ?? indexIn(SET4, signer),
    signature: sign(signer.seed, signDoc(chainId, fields)),
  };
}

// --- the model ------------------------------------------------------------------------------------------------------
type Outcome =
  | { ok: true; offence: { publicKey: string; height: string } }
  | { ok: false; error: 'CONS_BAD_EVIDENCE'; meta: { reason: string; field?: string; vote?: 'a' | 'b' } };

const bad = (reason: string, extra: { field?: string; vote?: 'a' | 'b' } = {}): Outcome => ({
  ok: false,
  error: 'CONS_BAD_EVIDENCE',
  meta: { reason, ...extra },
});

/** CONS-4 for one vote under `set` (CONS-2 order): the failing reason, or undefined */
function voteProblem(chainId: string, vote: Vote, set: readonly Member[]): string | undefined {
  if (vote.type !== PREVOTE && vote.type !== PRECOMMIT) return 'type';
  if (vote.validatorIndex >= set.length) return 'index';
  if (vote.blockHash.length !== 0 && vote.blockHash.length !== 32) return 'block-hash';
  const member = set[vote.validatorIndex] as Member;
  const seed = seedByKey.get(toHex(member.key.publicKey)) as Uint8Array;
  const { validatorIndex: _, signature, ...fields } = vote;
  return toHex(signature) === toHex(sign(seed, signDoc(chainId, fields))) ? undefined : 'signature';
}

/** CONS-13, then CONS-9 under set(e), in the spec's order */
function judge(
  chainId: string,
  h: bigint,
  sets: ReadonlyMap<bigint, readonly Member[]>,
  a: Vote | undefined,
  b: Vote | undefined,
): Outcome {
  if (a === undefined || b === undefined) return bad('missing');
  const e = a.height;
  if (e < 1n || e >= h) return bad('future');
  if (h - e > EVIDENCE_MAX_AGE) return bad('expired');
  const given = sets.get(e);
  if (given === undefined) return bad('no-set');
  const set = cons2(given);
  for (const field of ['height', 'round', 'type', 'validatorIndex'] as const) {
    if (a[field] !== b[field]) return bad('mismatch', { field });
  }
  const [ha, hb] = [toHex(a.blockHash), toHex(b.blockHash)];
  if (ha === hb) return bad('same-block');
  // bytewise, a proper prefix first: on hex strings of whole bytes this is string order
  if (ha > hb) return bad('order');
  for (const [name, vote] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const reason = voteProblem(chainId, vote, set);
    if (reason !== undefined) return bad(reason, { vote: name });
  }
  const offender = set[a.validatorIndex] as Member;
  return { ok: true, offence: { publicKey: toHex(offender.key.publicKey), height: e.toString() } };
}

// --- cases ------------------------------------------------------------------------------------------------------------
export function evidenceCases(chainId: string): Case[] {
  const cases: Case[] = [];
  const vote = (s: VoteSpec) => makeVote(chainId, s);
  const add = (
    id: string,
    description: string,
    h: bigint,
    votes: { a?: Vote; b?: Vote },
    sets: [bigint, Member[]][],
    rule = 'CONS-13',
  ) => {
    const expected = judge(chainId, h, new Map(sets), votes.a, votes.b);
    const cons9 = !expected.ok && !['missing', 'future', 'expired', 'no-set'].includes(expected.meta.reason);
    const voteJson = (v: Vote | undefined) => (v === undefined ? null : toJson('babychain.v0.Vote', v));
    cases.push({
      id: `val-evidence-${id}`,
      description,
      rule: cons9 ? 'CONS-9' : rule,
      input: {
        chainId,
        height: h.toString(),
        sets: sets.map(([height, members]) => ({
          height: height.toString(),
          validators: members.map((m) => ({ publicKey: toHex(m.key.publicKey), power: m.power.toString() })),
        })),
        evidence: { voteA: voteJson(votes.a), voteB: voteJson(votes.b) },
      },
      expected,
    });
  };

  const E = 7n;
  const H = 10n;
  const at = (e: bigint): [bigint, Member[]][] => [[e, SET4]];
  const pair = (over: Partial<VoteSpec> = {}, overB: Partial<VoteSpec> = {}) => ({
    a: vote({ height: E, hash: LOW, ...over }),
    b: vote({ height: E, hash: HIGH, ...over, ...overB }),
  });

  add('valid', 'two prevotes of validator K3 at (7, 0) for two blocks, in a block at 10', H, pair(), at(E));
  add(
    'valid-nil-against-block',
    'a precommit for nil and one for a block at round 2: nil counts as a block and sorts first',
    H,
    {
      a: vote({ type: PRECOMMIT, height: E, round: 2, hash: NIL }),
      b: vote({ type: PRECOMMIT, height: E, round: 2, hash: LOW }),
    },
    at(E),
  );
  add(
    'valid-other-times',
    'the two votes carry different time_ms (signed, not compared)',
    H,
    pair({}, { timeMs: T0 + 5n }),
    at(E),
  );
  add(
    'same-block',
    'two prevotes for the same block, at different time_ms: not an equivocation',
    H,
    pair({}, { hash: LOW, timeMs: T0 + 5n }),
    at(E),
  );
  add('mismatch-height', 'vote_b is of height 8: not the same height', H, pair({}, { height: E + 1n }), at(E));
  add(
    'mismatch-round',
    'vote_b is of round 1: votes of two rounds are not an equivocation',
    H,
    pair({}, { round: 1 }),
    at(E),
  );
  add('mismatch-type', 'a prevote and a precommit for two blocks', H, pair({}, { type: PRECOMMIT }), at(E));
  add(
    'mismatch-validator',
    'K2 and K3 each vote once, for two blocks: two validators',
    H,
    pair({}, { signer: K[2] }),
    at(E),
  );
  add(
    'order',
    'vote_a holds the block hash that sorts second',
    H,
    { a: vote({ height: E, hash: HIGH }), b: vote({ height: E, hash: LOW }) },
    at(E),
  );
  add(
    'order-nil-second',
    'vote_a is for a block and vote_b for nil: nil, a proper prefix, sorts first',
    H,
    { a: vote({ height: E, hash: LOW }), b: vote({ height: E, hash: NIL }) },
    at(E),
  );
  add('missing-vote-b', 'vote_b is absent', H, { a: pair().a }, at(E));
  add('missing-vote-a', 'vote_a is absent', H, { b: pair().b }, at(E));
  add('future-same-height', 'evidence of height 10 in the block at 10', H, pair({ height: H }), at(H));
  add('future-above', 'evidence of height 11 in the block at 10', H, pair({ height: H + 1n }), at(H + 1n));
  add('future-zero', 'evidence of height 0: no height 0 is ever signed', H, pair({ height: 0n }), at(0n));
  add('age-100', 'h − e = 100: the oldest evidence a block may carry', E + 100n, pair(), at(E));
  add('expired-101', 'h − e = 101: too old', E + 101n, pair(), at(E));
  add(
    'left-the-set',
    'K3 has left the set since 7 (the sets of 8 to 10 lack it): checked under set(7), it is still the offender',
    H,
    pair(),
    [
      [E, SET4],
      [E + 1n, LATER],
      [E + 2n, LATER],
      [H, LATER],
    ],
  );
  add('no-set', 'the node holds the sets of 6 and 8, not of 7', H, pair(), [
    [E - 1n, SET4],
    [E + 1n, SET4],
  ]);
  const flipped = pair();
  const sig = flipped.b.signature.slice();
  sig[5] = (sig[5] as number) ^ 1;
  add(
    'bad-signature-b',
    "one bit of vote_b's signature flipped",
    H,
    { a: flipped.a, b: { ...flipped.b, signature: sig } },
    at(E),
  );
  add(
    'index-out-of-range',
    'both votes name index 4 of a set of 4 (signed by K3)',
    H,
    pair({ index: SET4.length }),
    at(E),
  );
  add(
    'signature-other-key',
    "vote_a names K3's index but is signed by K2's key",
    H,
    { a: vote({ height: E, hash: LOW, signer: K[2], index: indexIn(SET4, K[3]) }), b: pair().b },
    at(E),
  );
  add('type-unspecified', 'two votes of type 0 (neither prevote nor precommit)', H, pair({ type: 0 }), at(E));
  add(
    'block-hash-31-bytes',
    'vote_a is for nil, vote_b for a 31-byte block hash',
    H,
    { a: vote({ height: E, hash: NIL }), b: vote({ height: E, hash: LOW.slice(1) }) },
    at(E),
  );
  add(
    'checked-under-set-of-e',
    "the node's set of 7 is LATER, without K3: the index K3 has in SET4 names another validator there, whose signature this is not",
    H,
    pair(),
    [[E, LATER]],
  );
  return cases;
}
