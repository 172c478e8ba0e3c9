/**
 * Evidence as governance sees it (specs/validators.md VAL-9, VAL-10): which offences a block may carry, the jailing
 * at the end of the block, and the record of committed offences that keeps one offence from being punished twice.
 * Consensus has already checked the evidence itself and named each offender (CONS-13).
 */
import type { BabyError, GovState, JailedValidator } from '@babychain/codec';
import { bytesEqual, compareBytes, EVIDENCE_MAX_AGE, ruleError as fail, toHex } from '@babychain/codec';
import type { Offence } from '@babychain/state';
import { ValidatorErrorCode } from './errors.ts';
import { jailedEntry, type RecordSets, VALIDATOR_CHANGES_FROM } from './validators.ts';

function offenceId(o: Offence): string {
  return `${o.height}:${toHex(o.publicKey)}`;
}

/** VAL-9 for each offence in order, an offence counting against those before it that pass: the refusal or undefined. */
function refusals(state: GovState, appVersion: number, offences: readonly Offence[]): (BabyError | undefined)[] {
  const committed = new Set(state.evidence.map((e) => offenceId({ height: e.height, publicKey: e.publicKey })));
  return offences.map((offence, index) => {
    if (appVersion < VALIDATOR_CHANGES_FROM) {
      return fail(
        ValidatorErrorCode.NOT_IN_FORCE,
        `blocks carry evidence from app version ${VALIDATOR_CHANGES_FROM}; this block's is ${appVersion}`,
        'VAL-9',
        { appVersion, from: VALIDATOR_CHANGES_FROM },
      );
    }
    const id = offenceId(offence);
    if (committed.has(id)) {
      return fail(
        ValidatorErrorCode.DUPLICATE_EVIDENCE,
        `the equivocation of ${toHex(offence.publicKey)} at height ${offence.height} is already punished`,
        'VAL-9',
        { height: offence.height, publicKey: toHex(offence.publicKey), index },
      );
    }
    committed.add(id);
    return undefined;
  });
}

/** VAL-9 for a block's offences: throws the first failure. */
export function checkOffences(state: GovState, appVersion: number, offences: readonly Offence[]): void {
  const refused = refusals(state, appVersion, offences).find((r) => r !== undefined);
  if (refused !== undefined) throw refused;
}

/** VAL-9 for a proposer: which offences, in order, its block may carry (a refused one counts against none after it). */
export function admissibleOffences(state: GovState, appVersion: number, offences: readonly Offence[]): boolean[] {
  return refusals(state, appVersion, offences).map((r) => r === undefined);
}

/**
 * VAL-10, then VAL-9's record, at the end of the block at `height`, after VAL-7's shift; `sets` are the record's sets
 * as the block started (VAL-2's genesis default when its lists are empty).
 */
export function jailOffenders(state: GovState, sets: RecordSets, height: bigint, offences: readonly Offence[]): void {
  for (const offence of offences) jail(state, sets, height, offence);
  recordOffences(state, height, offences);
}

function jail(state: GovState, sets: RecordSets, height: bigint, offence: Offence): void {
  const key = offence.publicKey;
  if (jailedEntry(state.jailed, key) !== undefined) return;
  const next = state.validators.length === 0 ? sets.next : state.nextValidators;
  const validator = next.find((v) => bytesEqual(v.publicKey, key));
  // the last validator of a set stays: a chain cannot stop itself (VAL-10)
  if (validator !== undefined && next.length === 1) return;
  if (validator !== undefined) {
    if (state.validators.length === 0) {
      // VAL-2: the first change materialises the lists, as VAL-7's shift would have
      state.lastValidators = [...sets.current];
      state.validators = [...sets.next];
    }
    state.nextValidators = next.filter((v) => v !== validator);
  }
  const entry: JailedValidator = {
    publicKey: key,
    evidenceHeight: offence.height,
    jailedHeight: height,
    ...(validator === undefined ? {} : { validator }),
  };
  state.jailed = [...state.jailed, entry].sort((a, b) => compareBytes(a.publicKey, b.publicKey));
}

/** VAL-9: the committed offences join the record; those no block can carry any more leave it. */
function recordOffences(state: GovState, height: bigint, offences: readonly Offence[]): void {
  const oldest = height + 1n - EVIDENCE_MAX_AGE;
  const live = (e: { readonly height: bigint }) => e.height >= oldest;
  if (offences.length === 0 && state.evidence.every(live)) return;
  const all = [...state.evidence, ...offences.map((o) => ({ height: o.height, publicKey: o.publicKey }))];
  state.evidence = all
    .filter(live)
    .sort((a, b) => (a.height !== b.height ? (a.height < b.height ? -1 : 1) : compareBytes(a.publicKey, b.publicKey)));
}
