// The cases of test-vectors/validators/jailing.json (runner `validator-jailing`): VAL-9 (which offences a block may
// carry, and the record of committed ones), VAL-10 (jailing at the end of the block), VAL-11 (unjail) and VAL-6's
// VAL_JAILED. Expected values come from the model below, written from specs/validators.md, not from
// packages/upgrade: like the set model of generate.ts it keeps one list per height, set[h], with set[h + 2] built
// at the end of the block at h (VAL-7), plus its own jailed map and offence record; the record's three lists are
// derived from set[h], set[h + 1], set[h + 2] once a change or a jailing has made them hold their sets (VAL-2).
import { sha256, toHex } from '@babychain/codec';
import type { Case, Change, ModelValidator } from './generate.ts';

/** What the generator's set model lends this one (VAL-6 for add, remove and set-power; JSON forms). */
export interface SetModel {
  readonly chainId: string;
  /** validator i of the vector keys as a genesis validator */
  gv(i: number, power: bigint): ModelValidator;
  /** an AddValidator of key i, with its own operator (unless `extra` says otherwise) and proof of possession */
  add(i: number, power: bigint, extra?: Partial<ModelValidator>): Change;
  remove(i: number): Change;
  setPower(i: number, power: bigint): Change;
  publicKey(i: number): Uint8Array;
  /** VAL-6 against base and candidate (possession held at submission): the new candidate or the code */
  apply(base: ModelValidator[], cand: ModelValidator[], c: Change): ModelValidator[] | string;
  changeJson(c: Change): Record<string, string>;
  validatorJson(v: ModelValidator): Record<string, string>;
}

type JailChange = Change | { kind: 'unjail'; publicKey: Uint8Array; power?: bigint };
interface Offence {
  publicKey: Uint8Array;
  height: bigint;
}
interface ModelBlock {
  offences?: Offence[];
  passed?: JailChange[];
}
interface JailEntry {
  publicKey: Uint8Array;
  evidenceHeight: bigint;
  jailedHeight: bigint;
  validator: ModelValidator | undefined;
}

const EVIDENCE_MAX_AGE = 100n;
const hex = (b: Uint8Array) => toHex(b);
const addr1 = (publicKey: Uint8Array) => hex(sha256(Uint8Array.of(0), publicKey).slice(0, 20));
/** CONS-2: power descending, then ADDR-1 address ascending */
const cons2 = (set: readonly ModelValidator[]) =>
  [...set].sort((a, b) =>
    a.power !== b.power ? (a.power > b.power ? -1 : 1) : addr1(a.publicKey) < addr1(b.publicKey) ? -1 : 1,
  );
const offenceId = (o: Offence) => `${o.height}:${hex(o.publicKey)}`;

/** The model: every block in order; a refused block is not committed, so the next block is at the same height. */
function model(m: SetModel, appVersion: number, genesis: ModelValidator[], blocks: ModelBlock[], from: bigint) {
  const set = new Map<bigint, ModelValidator[]>([
    [from, genesis],
    [from + 1n, genesis],
  ]);
  /** the sets before `from` are the genesis set too: those blocks carried and passed nothing */
  const setAt = (h: bigint) => (h < from ? genesis : set.get(h));
  let lists = false; // VAL-2: the record's lists hold their sets once a change or a jailing has changed one
  const jailed = new Map<string, JailEntry>();
  let record: Offence[] = [];
  let h = from;
  const out: Record<string, unknown>[] = [];
  for (const block of blocks) {
    const offences = block.offences ?? [];
    for (const o of offences) {
      // the inputs consensus could produce (CONS-13): an earlier height, a key of that height's set
      const s = setAt(o.height);
      if (o.height >= h || s === undefined || !s.some((v) => hex(v.publicKey) === hex(o.publicKey))) {
        throw new Error(`unrealistic offence ${offenceId(o)} at ${h}`);
      }
    }
    const committed = new Set(record.map(offenceId));
    // VAL-9 for a proposer: the offences it keeps, each against the record and those kept before it
    const kept = new Set<string>();
    const admitted = offences.map((o) => {
      const ok = appVersion >= 1 && !committed.has(offenceId(o)) && !kept.has(offenceId(o));
      if (ok) kept.add(offenceId(o));
      return ok;
    });
    // VAL-9 for the block: the first failure, in block order, makes it invalid
    let error: string | undefined;
    const earlier = new Set<string>();
    for (const o of offences) {
      if (appVersion < 1) error = 'VAL_NOT_IN_FORCE';
      else if (committed.has(offenceId(o)) || earlier.has(offenceId(o))) error = 'VAL_DUPLICATE_EVIDENCE';
      if (error !== undefined) break;
      earlier.add(offenceId(o));
    }
    if (error !== undefined) {
      out.push({ height: h.toString(), admitted, error });
      continue;
    }

    // VAL-6, VAL-11: the changes passing at the end of the block, against base set(h + 1)
    const base = set.get(h + 1n) as ModelValidator[];
    let cand = base;
    let changed = false;
    const outcomes = (block.passed ?? []).map((c) => {
      let r: ModelValidator[] | string;
      if (c.kind === 'unjail') {
        const entry = jailed.get(hex(c.publicKey));
        if (entry === undefined) return 'VAL_NOT_JAILED';
        const v = entry.validator;
        r = v === undefined ? cand : m.apply(base, cand, { kind: 'add', v: { ...v, power: c.power ?? v.power } });
        if (typeof r !== 'string') jailed.delete(hex(c.publicKey));
      } else if (c.kind === 'add' && jailed.has(hex(c.v.publicKey))) {
        r = 'VAL_JAILED';
      } else {
        r = m.apply(base, cand, c);
      }
      if (typeof r === 'string') return r;
      cand = r;
      changed = true;
      return 'applied';
    });
    // VAL-7: set(h + 2); VAL-10: each offender not jailed yet leaves it, unless it is its last validator
    let next = cons2(cand);
    for (const o of offences) {
      const k = hex(o.publicKey);
      if (jailed.has(k)) continue;
      const entry = next.find((v) => hex(v.publicKey) === k);
      if (entry !== undefined && next.length === 1) continue;
      if (entry !== undefined) {
        next = next.filter((v) => v !== entry);
        changed = true;
      }
      jailed.set(k, { publicKey: o.publicKey, evidenceHeight: o.height, jailedHeight: h, validator: entry });
    }
    set.set(h + 2n, next);
    lists ||= changed;
    // VAL-9: the offences join the record; what no later block may carry (h + 1 − e > 100) leaves it
    record = [...record, ...offences]
      .filter((o) => h + 1n - o.height <= EVIDENCE_MAX_AGE)
      .sort((a, b) =>
        a.height !== b.height ? (a.height < b.height ? -1 : 1) : hex(a.publicKey) < hex(b.publicKey) ? -1 : 1,
      );

    const listJson = (s: ModelValidator[] | undefined) =>
      lists
        ? cons2(s as ModelValidator[]).map((v) => ({ publicKey: hex(v.publicKey), power: v.power.toString() }))
        : [];
    out.push({
      height: h.toString(),
      admitted,
      outcomes,
      last: listJson(set.get(h)),
      current: listJson(set.get(h + 1n)),
      next: listJson(set.get(h + 2n)),
      jailed: [...jailed.values()]
        .sort((a, b) => (hex(a.publicKey) < hex(b.publicKey) ? -1 : 1))
        .map((j) => ({
          publicKey: hex(j.publicKey),
          evidenceHeight: j.evidenceHeight.toString(),
          jailedHeight: j.jailedHeight.toString(),
          power: j.validator === undefined ? null : j.validator.power.toString(),
        })),
      evidence: record.map((o) => ({ height: o.height.toString(), publicKey: hex(o.publicKey) })),
    });
    h++;
  }
  return out;
}

export function jailingCases(m: SetModel): Case[] {
  const cases: Case[] = [];
  const changeJson = (c: JailChange) =>
    c.kind !== 'unjail'
      ? m.changeJson(c)
      : {
          kind: 'unjail',
          publicKey: hex(c.publicKey),
          ...(c.power === undefined ? {} : { power: c.power.toString() }),
        };
  const add = (
    id: string,
    description: string,
    rule: string,
    genesis: ModelValidator[],
    blocks: ModelBlock[],
    opts: { appVersion?: number; fromHeight?: bigint } = {},
  ) => {
    const appVersion = opts.appVersion ?? 1;
    const from = opts.fromHeight ?? 1n;
    cases.push({
      id: `val-jailing-${id}`,
      description,
      rule,
      input: {
        chainId: m.chainId,
        appVersion,
        ...(opts.fromHeight === undefined ? {} : { fromHeight: from.toString() }),
        validators: genesis.map(m.validatorJson),
        blocks: blocks.map((b) => ({
          offences: (b.offences ?? []).map((o) => ({ publicKey: hex(o.publicKey), height: o.height.toString() })),
          passed: (b.passed ?? []).map(changeJson),
        })),
      },
      expected: { ok: true, blocks: model(m, appVersion, genesis, blocks, from) },
    });
  };
  const off = (i: number, height: bigint): Offence => ({ publicKey: m.publicKey(i), height });
  const unjail = (i: number, power?: bigint): JailChange => ({
    kind: 'unjail',
    publicKey: m.publicKey(i),
    ...(power === undefined ? {} : { power }),
  });
  const four = [0, 1, 2, 3].map((i) => m.gv(i, 10n));
  const five = [0, 1, 2, 3, 4].map((i) => m.gv(i, 10n));

  add(
    'h-plus-2',
    'an equivocation at 1 committed at H = 2 takes validator 3 out of set(4), not set(3); the lists stay empty (the genesis default) until this first jailing, then hold their sets',
    'VAL-10',
    four,
    [{}, { offences: [off(3, 1n)] }, {}, {}],
  );
  add(
    'failed-change-keeps-lists-empty',
    'a passed removal of an unknown key fails: nothing changed, so the lists stay empty; the offence of the only validator, the last entry, jails nobody and changes no set, so they stay empty too, while the record keeps the offence',
    'VAL-2',
    [m.gv(0, 10n)],
    [{ passed: [m.remove(6)] }, { offences: [off(0, 1n)] }, {}],
  );
  add(
    'last-validator-stays',
    'both validators of two equivocated at 1: in block order, validator 0 is jailed, validator 1 is then the last entry of next_validators and stays; both offences are recorded',
    'VAL-10',
    [m.gv(0, 10n), m.gv(1, 10n)],
    [{}, { offences: [off(0, 1n), off(1, 1n)] }, {}],
  );
  add(
    'duplicate-in-block',
    'a block carrying one offence twice is invalid (a proposer keeps the first) and leaves no trace; the block that replaces it at height 2 carries it once',
    'VAL-9',
    four,
    [{}, { offences: [off(3, 1n), off(3, 1n)], passed: [m.remove(0)] }, { offences: [off(3, 1n)] }],
  );
  add(
    'duplicate-later-block',
    'an offence committed at 2 cannot be carried again at 3: the block with it and a new offence is invalid (a proposer keeps only the new one), its replacement carries the new one',
    'VAL-9',
    four,
    [{}, { offences: [off(3, 1n)] }, { offences: [off(2, 2n), off(3, 1n)] }, { offences: [off(2, 2n)] }, {}],
  );
  add(
    'two-heights-one-block',
    'validator 3 equivocated at 1 and at 2, both in one block: two offences, both recorded, one jailing (evidence height 1)',
    'VAL-9',
    four,
    [{}, {}, { offences: [off(3, 1n), off(3, 2n)] }, {}],
  );
  add(
    'two-heights-two-blocks',
    'the second offence of a jailed validator, in a later block, is committed and recorded but leaves its jailing as it was',
    'VAL-10',
    four,
    [{}, {}, { offences: [off(3, 1n)] }, { offences: [off(3, 2n)] }],
  );
  add(
    'app-version-0',
    'before app version 1 a block carries no evidence: VAL_NOT_IN_FORCE, and a proposer keeps none; the replacement without it is committed',
    'VAL-9',
    four,
    [{}, { offences: [off(3, 1n)] }, {}],
    { appVersion: 0 },
  );
  add(
    'left-then-jailed',
    'validator 4 leaves (removed at 1, out of set(3)) and its equivocation at 2 is committed at 3: jailed without an entry; AddValidator of its key is VAL_JAILED at 4; at 5 an unjail then the same AddValidator both pass',
    'VAL-6',
    five,
    [
      { passed: [m.remove(4)] },
      {},
      { offences: [off(4, 2n)] },
      { passed: [m.add(4, 10n)] },
      { passed: [unjail(4), m.add(4, 10n)] },
      {},
    ],
  );
  add(
    'unjail-restores',
    'validator 3 of four equal ones is jailed at 2; unjailing it with its power 10 at 3 would add 10 to 30 (a third): VAL_TOO_MUCH_CHANGE, it stays jailed; with power 9 at 4 it returns with its name and operator; SetValidatorPower 10 at 5 restores the rest',
    'VAL-11',
    four,
    [
      {},
      { offences: [off(3, 1n)] },
      { passed: [unjail(3)] },
      { passed: [unjail(3, 9n)] },
      { passed: [m.setPower(3, 10n)] },
      {},
    ],
  );
  add(
    'unjail-full-power',
    'one of five equal validators jailed at 2 and unjailed at 3 with the power it had: 10 of 40 is below a third',
    'VAL-11',
    five,
    [{}, { offences: [off(4, 1n)] }, { passed: [unjail(4)] }, {}, {}],
  );
  add(
    'unjail-not-jailed',
    'an unjail of a validator that is not jailed is VAL_NOT_JAILED; so is a second unjail of a key in the block that unjails it',
    'VAL-11',
    five,
    [{ passed: [unjail(0)] }, { offences: [off(4, 1n)] }, { passed: [unjail(4, 5n), unjail(4, 5n)] }, {}],
  );
  add(
    'unjail-operator-taken',
    "validator 3 is jailed at 2; a new validator acting through validator 3's operator is added at 3; unjailing validator 3 at 4 is then VAL_DUPLICATE_OPERATOR (VAL-6 for its entry), and it stays jailed",
    'VAL-11',
    four,
    [
      {},
      { offences: [off(3, 1n)] },
      { passed: [m.add(4, 5n, { operator: four[3]?.operator as Uint8Array })] },
      { passed: [unjail(3, 5n)] },
      {},
    ],
  );
  add(
    'unjail-then-offence-same-block',
    'validator 3, jailed at 2 for height 1, also equivocated at 3 (it still signed set(3)); the block at 4 unjails it (power 9) and carries that offence: the unjail passes first, so the jailing at the end of the block finds it unjailed, in next_validators, and jails it again with its new entry',
    'VAL-10',
    four,
    [{}, { offences: [off(3, 1n)] }, {}, { offences: [off(3, 3n)], passed: [unjail(3, 9n)] }, {}],
  );
  add(
    'set-power-then-jailed',
    'a SetValidatorPower of validator 3 to 12 passes in the block that commits its offence: the jailing comes after, its entry (power 12) leaves next_validators anyway',
    'VAL-10',
    four,
    [{}, { offences: [off(3, 1n)], passed: [m.setPower(3, 12n)] }, {}],
  );
  add(
    'remove-then-jailed',
    'a removal of validator 4 passes in the block that commits its offence: it is no longer in next_validators, so it is jailed without an entry, and cannot be added back',
    'VAL-10',
    five,
    [{}, { offences: [off(4, 1n)], passed: [m.remove(4)] }, { passed: [m.add(4, 10n)] }, {}],
  );
  add(
    'not-bound-by-a-third',
    'two of four equal validators equivocated: both are jailed in one block, half the power, which VAL-6 would refuse to a change',
    'VAL-10',
    four,
    [{}, { offences: [off(2, 1n), off(3, 1n)] }, {}, {}],
  );
  add(
    'record-pruned',
    "from height 150 (blocks 1..149 carried nothing): offences of 50 and 51 in the block at 150 jail both; the one of 50 leaves the record at once (150 + 1 − 50 > 100), the one of 51 at the end of 151; at 152 the offence of 50 is no longer a duplicate (VAL-9 only prunes, the age is CONS-13's), is recorded and leaves at once, its validator already jailed",
    'VAL-9',
    four,
    [{ offences: [off(3, 50n), off(2, 51n)] }, {}, { offences: [off(3, 50n)] }],
    { fromHeight: 150n },
  );
  return cases;
}
