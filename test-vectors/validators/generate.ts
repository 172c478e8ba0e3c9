// Writes test-vectors/validators/*.json (specs/validators.md). Proofs of possession are signed here from the
// protocol's pieces (the PossessionSignDoc encoding and ed25519), not with packages/upgrade, and each must-reject
// case names its one defect, so a wrong implementation cannot agree with itself.
// Run: node test-vectors/validators/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { collectCases } from './ceremony.ts';
import { evidenceCases } from './evidence.ts';
import { jailingCases } from './jailing.ts';

const CHAIN = 'babychain-vectors-1';
const seedOf = (n: number) => sha256(new TextEncoder().encode(`babychain validator vector key ${n}`));
const key = (n: number) => {
  const seed = seedOf(n);
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
};
const [v0, v1, operator] = [key(0), key(1), key(2)] as const;

export interface Case {
  id: string;
  description: string;
  rule: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

// --- VAL-5: proofs of possession ---------------------------------------------------------------------------------
interface Entry {
  publicKey: Uint8Array;
  power: bigint;
  name: string;
  operator: Uint8Array;
}
const entry: Entry = { publicKey: v0.publicKey, power: 10n, name: 'validator-new', operator: operator.address };
const signDoc = (chainId: string, e: Entry) =>
  encode('babychain.v0.PossessionSignDoc', { domain: 'babychain/possession/v0', chainId, ...e });
const proof = (seed: Uint8Array, chainId: string, e: Entry) => sign(seed, signDoc(chainId, e));

const possessionCases: Case[] = [];
function possession(id: string, description: string, signature: Uint8Array, error?: string, e: Entry = entry) {
  possessionCases.push({
    id: `val-possession-${id}`,
    description,
    rule: 'VAL-5',
    input: {
      chainId: CHAIN,
      publicKey: toHex(e.publicKey),
      power: e.power.toString(),
      name: e.name,
      operator: toHex(e.operator),
      possession: toHex(signature),
    },
    expected: error === undefined ? { ok: true } : { ok: false, error },
  });
}
const good = proof(v0.seed, CHAIN, entry);
possession('valid', 'the key signs its entry on this chain', good);
possession(
  'valid-operator-is-own-address',
  "the operator is the key's own address (the default for a genesis validator)",
  proof(v0.seed, CHAIN, { ...entry, operator: v0.address }),
  undefined,
  { ...entry, operator: v0.address },
);
possession(
  'other-chain',
  'signed for another chain id',
  proof(v0.seed, 'babychain-other', entry),
  'VAL_BAD_POSSESSION',
);
possession(
  'other-power',
  'signed for power 11, the entry says 10',
  proof(v0.seed, CHAIN, { ...entry, power: 11n }),
  'VAL_BAD_POSSESSION',
);
possession(
  'other-name',
  'signed for another name',
  proof(v0.seed, CHAIN, { ...entry, name: 'validator-old' }),
  'VAL_BAD_POSSESSION',
);
possession(
  'other-operator',
  'signed for another operator: nobody can bind the key to their own account',
  proof(v0.seed, CHAIN, { ...entry, operator: v1.address }),
  'VAL_BAD_POSSESSION',
);
possession(
  'other-key',
  "signed by another validator's key over this entry: the key named is not held",
  proof(v1.seed, CHAIN, entry),
  'VAL_BAD_POSSESSION',
);
const flipped = good.slice();
flipped[10] = (flipped[10] as number) ^ 1;
possession('flipped-bit', 'one bit of R flipped', flipped, 'VAL_BAD_POSSESSION');
possession(
  'wrong-domain',
  'the same fields signed under the release domain instead of "babychain/possession/v0"',
  sign(v0.seed, encode('babychain.v0.PossessionSignDoc', { domain: 'babychain/release/v0', chainId: CHAIN, ...entry })),
  'VAL_BAD_POSSESSION',
);

// --- VAL-2..VAL-7: the set of every height, from a model ---------------------------------------------------------
// The model keeps one list per height, set[h], with set[1] = set[2] = the genesis set and set[h + 2] = set[h + 1]
// with the changes passed at h applied (VAL-7): a formulation of its own, not the record's three lists. Hashes are
// ENC-14 over ValidatorLeaf encodings, written out here; addresses are ADDR-1 written out here.
export interface ModelValidator {
  publicKey: Uint8Array;
  power: bigint;
  name: string;
  operator: Uint8Array;
}
export type Change =
  | { kind: 'add'; v: ModelValidator; possession?: Uint8Array }
  | { kind: 'remove'; publicKey: Uint8Array }
  | { kind: 'set-power'; publicKey: Uint8Array; power: bigint };

const addr1 = (publicKey: Uint8Array) => sha256(Uint8Array.of(0), publicKey).slice(0, 20);
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHexModel = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
function modelSort(set: ModelValidator[]): ModelValidator[] {
  return [...set].sort((a, b) =>
    a.power !== b.power ? (a.power > b.power ? -1 : 1) : Buffer.compare(addr1(a.publicKey), addr1(b.publicKey)),
  );
}
function mth(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array(0));
  if (items.length === 1) return sha256(Uint8Array.of(0), items[0] as Uint8Array);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return sha256(Uint8Array.of(1), mth(items.slice(0, k)), mth(items.slice(k)));
}
const modelHash = (set: ModelValidator[]) =>
  hexOf(
    mth(modelSort(set).map((v) => encode('babychain.v0.ValidatorLeaf', { publicKey: v.publicKey, power: v.power }))),
  );

const MAX_TOTAL = 1n << 60n;
const total = (set: ModelValidator[]) => set.reduce((s, v) => s + v.power, 0n);
const same = (a: Uint8Array, b: Uint8Array) => hexOf(a) === hexOf(b);
const powerIn = (set: ModelValidator[], k: Uint8Array) => set.find((v) => same(v.publicKey, k))?.power ?? 0n;

/** VAL-4 (stateless), VAL-5, then VAL-6 against base and candidate: the new candidate or the error code */
/** A key the cases call invalid under SIG-5/SIG-6: the identity point (small order) and y = p (not canonical). */
const BAD_KEYS = new Set([`01${'00'.repeat(31)}`, `ed${'ff'.repeat(30)}7f`]);

/** VAL-4's stateless checks in order, then VAL-5: the error code and reason, or undefined when the change passes. */
function modelShape(c: Change): { error: string; reason?: string } | undefined {
  const key = c.kind === 'add' ? c.v.publicKey : c.publicKey;
  const bad = (reason: string) => ({ error: 'VAL_BAD_CHANGE', reason });
  if (key.length !== 32 || BAD_KEYS.has(hexOf(key))) return bad('public-key');
  if (c.kind === 'set-power' && (c.power < 1n || c.power > MAX_TOTAL)) return bad('power');
  if (c.kind !== 'add') return undefined;
  const { v } = c;
  if (v.power < 1n || v.power > MAX_TOTAL) return bad('power');
  const nameBytes = new TextEncoder().encode(v.name).length;
  if (nameBytes < 1 || nameBytes > 64) return bad('name');
  if (v.operator.length !== 20) return bad('operator');
  const possession = c.possession ?? proof(seedFor(v.publicKey), CHAIN, v);
  if (possession.length !== 64) return bad('possession');
  // ed25519 signatures are deterministic: a valid proof here is the one the key's own seed makes
  const own = seeds.get(hexOf(v.publicKey));
  if (own === undefined || hexOf(possession) !== hexOf(proof(own, CHAIN, v))) return { error: 'VAL_BAD_POSSESSION' };
  return undefined;
}

/** VAL-6 when a change passes (its stateless checks held at submission): the new candidate, or the error code. */
function modelApply(base: ModelValidator[], cand: ModelValidator[], c: Change): ModelValidator[] | string {
  const key = c.kind === 'add' ? c.v.publicKey : c.publicKey;
  if (c.kind === 'add') {
    const { v } = c;
    if (cand.some((x) => same(x.publicKey, v.publicKey))) return 'VAL_DUPLICATE_VALIDATOR';
    if (cand.some((x) => same(x.operator, v.operator))) return 'VAL_DUPLICATE_OPERATOR';
    if (cand.length >= 100) return 'VAL_TOO_MANY_VALIDATORS';
    if (total(cand) + v.power > MAX_TOTAL) return 'VAL_POWER_OVERFLOW';
    return step(base, [...cand, v]);
  }
  const found = cand.find((x) => same(x.publicKey, key));
  if (found === undefined) return 'VAL_UNKNOWN_VALIDATOR';
  if (c.kind === 'remove')
    return step(
      base,
      cand.filter((x) => x !== found),
    );
  if (total(cand) - found.power + c.power > MAX_TOTAL) return 'VAL_POWER_OVERFLOW';
  return step(
    base,
    cand.map((x) => (x === found ? { ...x, power: c.power } : x)),
  );
}
function step(base: ModelValidator[], after: ModelValidator[]): ModelValidator[] | string {
  let removed = 0n;
  let added = 0n;
  for (const v of base) removed += v.power > powerIn(after, v.publicKey) ? v.power - powerIn(after, v.publicKey) : 0n;
  for (const v of after) added += v.power > powerIn(base, v.publicKey) ? v.power - powerIn(base, v.publicKey) : 0n;
  return 3n * removed >= total(base) || 3n * added >= total(base) ? 'VAL_TOO_MUCH_CHANGE' : after;
}

// Seeds by public key, so the model can sign any key the cases use.
const seeds = new Map<string, Uint8Array>();
function vkey(n: number) {
  const k = key(n);
  seeds.set(hexOf(k.publicKey), k.seed);
  return k;
}
function seedFor(publicKey: Uint8Array): Uint8Array {
  // a key nobody holds (a case naming a foreign key) gets a seed that is not its own: its proof never verifies
  return seeds.get(hexOf(publicKey)) ?? seedOf(9999);
}

const setCases: Case[] = [];
const changeJson = (c: Change) => {
  if (c.kind === 'remove') return { kind: 'remove', publicKey: hexOf(c.publicKey) };
  if (c.kind === 'set-power') return { kind: 'set-power', publicKey: hexOf(c.publicKey), power: c.power.toString() };
  return {
    kind: 'add',
    publicKey: hexOf(c.v.publicKey),
    power: c.v.power.toString(),
    name: c.v.name,
    operator: hexOf(c.v.operator),
    possession: hexOf(c.possession ?? proof(seedFor(c.v.publicKey), CHAIN, c.v)),
  };
};
const validatorJson = (v: ModelValidator) => ({
  publicKey: hexOf(v.publicKey),
  power: v.power.toString(),
  name: v.name,
  operator: hexOf(v.operator),
});

/** `blocks[i]` lists the changes that pass at the end of the block at height i + 1. */
function setCase(id: string, description: string, rule: string, genesis: ModelValidator[], blocks: Change[][]) {
  const sets: ModelValidator[][] = [[], genesis, genesis]; // sets[h] for h ≥ 1
  const outcomes: string[][] = [];
  blocks.forEach((passed, i) => {
    const h = i + 1;
    const base = sets[h + 1] as ModelValidator[];
    let cand = base;
    const results: string[] = [];
    for (const c of passed) {
      const r = modelApply(base, cand, c);
      if (typeof r === 'string') results.push(r);
      else {
        cand = r;
        results.push('applied');
      }
    }
    outcomes.push(results);
    sets[h + 2] = cand;
  });
  const heights = [];
  for (let h = 1; h <= blocks.length + 1; h++) {
    heights.push({
      height: String(h),
      validatorsHash: modelHash(sets[h] as ModelValidator[]),
      nextValidatorsHash: modelHash(sets[h + 1] as ModelValidator[]),
    });
  }
  setCases.push({
    id: `val-set-${id}`,
    description,
    rule,
    input: {
      chainId: CHAIN,
      validators: genesis.map(validatorJson),
      blocks: blocks.map((passed) => ({ passed: passed.map(changeJson) })),
    },
    expected: {
      ok: true,
      heights,
      outcomes,
      last: modelSort(sets[blocks.length + 2] as ModelValidator[]).map((v) => ({
        publicKey: hexOf(v.publicKey),
        power: v.power.toString(),
      })),
    },
  });
}

const ks = Array.from({ length: 8 }, (_, i) => vkey(100 + i));
const gv = (i: number, power: bigint, operator?: Uint8Array): ModelValidator => {
  const k = ks[i] as (typeof ks)[number];
  return { publicKey: k.publicKey, power, name: `validator-${i}`, operator: operator ?? k.address };
};
const four = [gv(0, 10n), gv(1, 10n), gv(2, 10n), gv(3, 10n)];
const five = [...four, gv(4, 10n)];
const opOf = (n: number) => key(200 + n).address;
const add = (i: number, power: bigint, extra: Partial<ModelValidator> = {}, possession?: Uint8Array): Change => ({
  kind: 'add',
  v: { ...gv(i, power, opOf(i)), ...extra },
  ...(possession === undefined ? {} : { possession }),
});
const remove = (i: number): Change => ({ kind: 'remove', publicKey: (ks[i] as (typeof ks)[number]).publicKey });
const setPower = (i: number, power: bigint): Change => ({
  kind: 'set-power',
  publicKey: (ks[i] as (typeof ks)[number]).publicKey,
  power,
});

setCase('unchanged', 'no change: every header names the genesis set twice', 'VAL-3', four, [[], [], []]);
setCase(
  'add-h-plus-2',
  'a validator added at height 2 is in next_validators_hash at 3 and validators_hash from 4',
  'VAL-7',
  four,
  [[], [add(4, 10n)], [], []],
);
setCase('remove', 'a validator removed at height 1 signs 2 and not 3', 'VAL-7', four, [[remove(3)], [], []]);
setCase('set-power-reorders', 'raising the last validator to power 12 moves it first in CONS-2 order', 'VAL-7', four, [
  [setPower(3, 12n)],
  [],
  [],
]);
setCase(
  'equal-powers-order-by-address',
  'an added validator of equal power takes its place by address (CONS-2)',
  'VAL-2',
  [gv(0, 5n), gv(1, 5n), gv(2, 5n), gv(3, 5n)],
  [[add(5, 5n)], [], []],
);
setCase(
  'same-block-cumulative',
  'two removals of 10 of 40 pass in one block: the second would move 20, half, and fails',
  'VAL-6',
  four,
  [[remove(3), remove(2)], [], []],
);
setCase(
  'consecutive-blocks-each-a-step',
  'one removal per block of five: each step is measured against its own base (10 of 50, then 10 of 40), so both pass',
  'VAL-6',
  five,
  [[remove(3)], [remove(2)], [], []],
);
setCase(
  'third-exactly-refused',
  'removing 10 of 30 is exactly a third: refused (3 · removed ≥ total)',
  'VAL-6',
  [gv(0, 10n), gv(1, 10n), gv(2, 10n)],
  [[remove(2)], []],
);
setCase(
  'below-a-third',
  'removing 10 of 31 is below a third: applied',
  'VAL-6',
  [gv(0, 10n), gv(1, 10n), gv(2, 11n)],
  [[remove(0)], [], []],
);
setCase(
  'add-boundary',
  'adding 13 to 40 passes (39 < 40); adding 1 more in the same block does not (42 ≥ 40)',
  'VAL-6',
  four,
  [[add(4, 13n), add(5, 1n)], [], []],
);
setCase(
  'step-rules-in-order',
  'duplicate key, duplicate operator, unknown key for removal and for power, each refused in turn',
  'VAL-6',
  four,
  [[add(0, 1n), add(4, 1n, { operator: ks[1]?.address as Uint8Array }), remove(6), setPower(7, 3n)], []],
);
setCase(
  'power-overflow',
  'a set at 2^60 cannot take one more unit of power',
  'VAL-6',
  [gv(0, 1n << 59n), gv(1, 1n << 59n)],
  [[add(4, 1n)], []],
);
setCase('leave-and-return', 'a validator removed at 1 and added back at 3 signs 1, 2, then 5 on', 'VAL-7', five, [
  [remove(3)],
  [],
  [add(3, 10n)],
  [],
  [],
]);

// --- VAL-4, VAL-5: a change's stateless checks, at submission --------------------------------------------------
const changeCases: Case[] = [];
function changeCase(id: string, description: string, c: Change) {
  const outcome = modelShape(c);
  changeCases.push({
    id: `val-change-${id}`,
    description,
    rule: outcome?.error === 'VAL_BAD_POSSESSION' ? 'VAL-5' : 'VAL-4',
    input: { chainId: CHAIN, change: changeJson(c) },
    expected:
      outcome === undefined
        ? { ok: true }
        : {
            ok: false,
            error: outcome.error,
            ...(outcome.reason === undefined ? {} : { meta: { reason: outcome.reason } }),
          },
  });
}
const withKey = (publicKey: Uint8Array, extra: Partial<ModelValidator> = {}): Change => ({
  kind: 'add',
  v: { ...gv(4, 5n, opOf(4)), publicKey, ...extra },
});
changeCase('add-valid', 'an addition signed for by its key', add(4, 5n));
changeCase('remove-valid', 'a removal by a 32-byte key', remove(1));
changeCase('set-power-valid', 'a new power of 1', setPower(1, 1n));
changeCase('key-31-bytes', 'a 31-byte consensus key', withKey((ks[4] as (typeof ks)[number]).publicKey.slice(1)));
changeCase(
  'key-small-order',
  'the identity point as consensus key (SIG-6)',
  withKey(fromHexModel(`01${'00'.repeat(31)}`)),
);
changeCase('key-non-canonical', 'a key encoding y = p (SIG-5)', withKey(fromHexModel(`ed${'ff'.repeat(30)}7f`)));
changeCase('power-zero', 'an addition of power 0', add(4, 0n));
changeCase('power-above-2-60', 'an addition of power 2^60 + 1', add(4, MAX_TOTAL + 1n));
changeCase('name-empty', 'an empty name', add(4, 5n, { name: '' }));
changeCase('name-64-bytes-utf8', 'a name of 32 two-byte characters: 64 bytes', add(4, 5n, { name: 'é'.repeat(32) }));
changeCase(
  'name-66-bytes-utf8',
  'a name of 33 two-byte characters: 66 bytes (33 characters)',
  add(4, 5n, { name: 'é'.repeat(33) }),
);
changeCase('operator-19-bytes', 'an operator of 19 bytes', add(4, 5n, { operator: opOf(4).slice(1) }));
changeCase('possession-63-bytes', 'a proof of 63 bytes', add(4, 5n, {}, new Uint8Array(63)));
changeCase(
  'possession-other-power',
  'a proof the key signed for power 6, in an entry of power 5',
  add(4, 5n, {}, proof(seedFor(ks[4]?.publicKey as Uint8Array), CHAIN, gv(4, 6n, opOf(4)))),
);
changeCase('possession-foreign-key', 'a key nobody here holds: no proof can be its', withKey(key(300).publicKey));
changeCase('order-key-before-power', 'a 31-byte key and power 0: the key is checked first', {
  kind: 'add',
  v: { ...gv(4, 0n, opOf(4)), publicKey: (ks[4] as (typeof ks)[number]).publicKey.slice(1) },
});
changeCase(
  'order-name-before-possession',
  'an empty name and a 63-byte proof: the name is checked first',
  add(4, 5n, { name: '' }, new Uint8Array(63)),
);
changeCase('set-power-zero', 'a new power of 0 (removing is RemoveValidator)', setPower(1, 0n));
changeCase('remove-key-33-bytes', 'a removal naming a 33-byte key', { kind: 'remove', publicKey: new Uint8Array(33) });

// --- CONS-13, VAL-9..VAL-11: evidence and jailing (evidence.ts, jailing.ts) ----------------------------------------
const jailing = jailingCases({
  chainId: CHAIN,
  gv,
  add,
  remove,
  setPower,
  publicKey: (i) => (ks[i] as (typeof ks)[number]).publicKey,
  apply: modelApply,
  changeJson,
  validatorJson,
});

// --- write ----------------------------------------------------------------------------------------------------------
function write(name: string, runner: string, description: string, cases: Case[]) {
  writeFileSync(join(import.meta.dirname, name), `${JSON.stringify({ runner, description, cases }, null, 2)}\n`);
  console.log(
    `wrote ${cases.length} ${runner} cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
  );
}
write(
  'sets.json',
  'validator-set',
  'VAL-2..VAL-7: validator-set changes and the headers that commit to them. Input: the chain id, the genesis validators (hex key, decimal power, name, 20-byte hex operator) and, per block from height 1, the changes that pass at its end (kind add, remove or set-power, with the AddValidator fields and proof of possession). Output: for each height 1..n+1 its header\'s validators_hash and next_validators_hash (CONS-2 hashes of set(h) and set(h+1)); per block the outcome of each change ("applied" or the VAL-6 code that makes it FAILED: its stateless checks held when it was submitted, changes.json); and the set of height n+2 in CONS-2 order.',
  setCases,
);
write(
  'changes.json',
  'validator-change',
  'VAL-4 and VAL-5: the stateless checks of a validator-set change, run when it is submitted, in order. Input: the chain id and the change (kind add, remove or set-power, as in sets.json). Output: success, or VAL_BAD_CHANGE with meta.reason (public-key, power, name, operator, possession) or VAL_BAD_POSSESSION.',
  changeCases,
);
write(
  'possession.json',
  'validator-possession',
  'VAL-5 proofs of possession. Input: the chain id, the entry (public key, power, name, 20-byte operator, all hex or decimal) and the 64-byte signature. Output: success when the signature verifies under the key over the canonical PossessionSignDoc. Keys: seed n = SHA-256("babychain validator vector key n").',
  possessionCases,
);
write(
  'genesis-collect.json',
  'genesis-collect',
  'GEN-8 genesis ceremonies. Input: the draft (a genesis file with no validators) and the submission files as text, in the order given. Output: the genesis hash of the collected genesis and its validators in their JSON form (operators written out), or the first refusal in GEN-8 order. Keys: seed n = SHA-256("babychain ceremony vector key n"); the funded account and v1\'s operator is key 10.',
  collectCases,
);
write(
  'evidence.json',
  'validator-evidence',
  'CONS-13 (and CONS-9, whose checks it runs under set(e)): the evidence a block at height h may carry. Input: the chain id, the block\'s height, the sets this node holds by height (public key, power; in any order, CONS-2 orders them; a height not listed is one whose set the node does not hold) and the DuplicateVoteEvidence in canonical JSON. Output: the offence (the key of the validator of set(e) at vote_a\'s index, and e), or CONS_BAD_EVIDENCE with meta.reason, meta.field for a mismatch (the canonical JSON name) and meta.vote (a or b) when a vote fails CONS-4. Votes are signed here over the VoteSignDoc; keys: seed n = SHA-256("babychain validator vector key n").',
  evidenceCases(CHAIN),
);
write(
  'jailing.json',
  'validator-jailing',
  "VAL-9..VAL-11 and VAL-6's VAL_JAILED: offences in blocks, jailing and unjailing, through the governance record. Input: the chain id, the app version, optionally fromHeight (the first block's height; the blocks before it carried and passed nothing, default 1), the genesis validators and, per block in order, the offences consensus resolved from its evidence (key, height) and the changes that pass at its end (kind add, remove, set-power as in sets.json, or unjail with an optional power). Output per block: its height, admitted (which offences a proposer keeps, VAL-9), then either error (the offences make the block invalid: it is not committed and leaves no trace, so the next block is at the same height) or the changes' outcomes and the record after the block: last, current, next (the record's lists, empty while they are the genesis default, VAL-2), jailed (ascending key, power null when jailed without an entry) and evidence (ascending height, key).",
  jailing,
);
