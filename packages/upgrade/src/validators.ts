/**
 * The validator set in the governance record and the proposals that change it (specs/validators.md VAL-2..VAL-7):
 * the three lists, their genesis default, the stateless and stateful checks of a change, and the shift at the end of
 * every block that makes a change decided at H sign from H + 2.
 */
import type { AddValidator, Genesis, GovState, JailedValidator, Validator } from '@babychain/codec';
import { bytesEqual, compareBytes, ruleError as fail } from '@babychain/codec';
import { addressFromPublicKey, PUBLIC_KEY_LENGTH, publicKeyProblem } from '@babychain/crypto';
import { genesisValidators } from '@babychain/state';
import { ValidatorErrorCode } from './errors.ts';
import { verifyPossession } from './possession.ts';

/** VAL-4: the first app version that executes validator-set changes. */
export const VALIDATOR_CHANGES_FROM = 1;
/** VAL-6: the most validators a set may have. */
export const MAX_VALIDATORS = 100;
/** VAL-4, GEN-4: the most total power, which keeps every tally free of overflow. */
export const MAX_TOTAL_POWER = 1n << 60n;
/** VAL-4 */
export const MAX_NAME_BYTES = 64;
const ADDRESS_BYTES = 20;
const SIGNATURE_BYTES = 64;

/** A proposal content that changes the set (VAL-4). */
export type ValidatorChange =
  | { readonly case: 'addValidator'; readonly value: AddValidator }
  | { readonly case: 'removeValidator'; readonly value: { readonly publicKey: Uint8Array } }
  | { readonly case: 'setValidatorPower'; readonly value: { readonly publicKey: Uint8Array; readonly power: bigint } }
  | { readonly case: 'unjailValidator'; readonly value: { readonly publicKey: Uint8Array; readonly power: bigint } };

export const VALIDATOR_CHANGE_CASES: ReadonlySet<string> = new Set([
  'addValidator',
  'removeValidator',
  'setValidatorPower',
  'unjailValidator',
]);

export function isValidatorChange(content: { readonly case: string } | undefined): content is ValidatorChange {
  return content !== undefined && VALIDATOR_CHANGE_CASES.has(content.case);
}

/** The sets a committed record puts in force (VAL-2, VAL-3): of its height, the next and the one after. */
export interface RecordSets {
  readonly last: readonly Validator[];
  readonly current: readonly Validator[];
  readonly next: readonly Validator[];
}

/** CONS-2 order: power descending, then the key's address ascending. */
export function sortSet(set: readonly Validator[]): Validator[] {
  const keyed = set.map((v) => ({ v, address: addressFromPublicKey(v.publicKey) }));
  keyed.sort((a, b) =>
    a.v.power !== b.v.power ? (a.v.power > b.v.power ? -1 : 1) : compareBytes(a.address, b.address),
  );
  return keyed.map((k) => k.v);
}

/** VAL-2: the genesis validators as the record keeps a set, operators resolved (VAL-1). */
export function genesisSet(genesis: Genesis): Validator[] {
  return sortSet(genesisValidators(genesis));
}

/** VAL-2: empty lists are the genesis set. */
export function recordSets(genesis: Genesis, state: GovState): RecordSets {
  if (state.validators.length === 0) {
    const set = genesisSet(genesis);
    return { last: set, current: set, next: set };
  }
  return { last: state.lastValidators, current: state.validators, next: state.nextValidators };
}

// ---------------------------------------------------------------------------------------------------------------
// VAL-4, VAL-5: stateless
// ---------------------------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

function badChange(reason: string, message: string): never {
  throw fail(ValidatorErrorCode.BAD_CHANGE, message, 'VAL-4', { reason });
}

function checkKey(publicKey: Uint8Array): void {
  if (publicKey.length !== PUBLIC_KEY_LENGTH || publicKeyProblem(publicKey) !== undefined) {
    badChange('public-key', `the consensus key is not a valid ${PUBLIC_KEY_LENGTH}-byte ed25519 key`);
  }
}

function checkPower(power: bigint): void {
  if (power < 1n || power > MAX_TOTAL_POWER) badChange('power', `power ${power} is not between 1 and 2^60`);
}

/** VAL-4's stateless checks, then VAL-5 for an addition; `chainId` is the transaction's (TX-5). */
export function checkChangeShape(change: ValidatorChange, chainId: string): void {
  checkKey(change.value.publicKey);
  switch (change.case) {
    case 'addValidator': {
      const add = change.value;
      checkPower(add.power);
      const nameBytes = utf8.encode(add.name).length;
      if (nameBytes < 1 || nameBytes > MAX_NAME_BYTES) badChange('name', `name is ${nameBytes} bytes, 1 to 64 allowed`);
      if (add.operator.length !== ADDRESS_BYTES) badChange('operator', 'the operator is not a 20-byte address');
      if (add.possession.length !== SIGNATURE_BYTES) badChange('possession', 'the proof of possession is not 64 bytes');
      verifyPossession(chainId, add, add.possession);
      return;
    }
    case 'setValidatorPower':
      checkPower(change.value.power);
      return;
    case 'unjailValidator':
      // VAL-11: absent (0) is the power it had
      if (change.value.power !== 0n) checkPower(change.value.power);
      return;
    case 'removeValidator':
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// VAL-6: stateful
// ---------------------------------------------------------------------------------------------------------------

function totalOf(set: readonly Validator[]): bigint {
  return set.reduce((sum, v) => sum + v.power, 0n);
}

function findKey(set: readonly Validator[], publicKey: Uint8Array): Validator | undefined {
  return set.find((v) => bytesEqual(v.publicKey, publicKey));
}

/** VAL-10: the jailed entry of `publicKey`, if it is jailed. */
export function jailedEntry(jailed: readonly JailedValidator[], publicKey: Uint8Array): JailedValidator | undefined {
  return jailed.find((j) => bytesEqual(j.publicKey, publicKey));
}

/**
 * VAL-6 (and VAL-11 for an unjail) for `change` against `base` (the set of the height after the deciding block),
 * `candidate` (the base with the changes already decided in that block) and the record's `jailed` list: returns the
 * candidate with the change applied, in CONS-2 order, or throws the first failing rule's error. Nothing is changed in
 * place; an unjail's leaving `jailed` is the caller's, when it passes.
 */
export function applyChange(
  base: readonly Validator[],
  candidate: readonly Validator[],
  change: ValidatorChange,
  jailed: readonly JailedValidator[],
): Validator[] {
  const total = totalOf(candidate);
  const existing = findKey(candidate, change.value.publicKey);
  let after: Validator[];
  if (change.case === 'addValidator' || change.case === 'unjailValidator') {
    const held = jailedEntry(jailed, change.value.publicKey);
    let entry: Validator | undefined;
    if (change.case === 'addValidator') {
      if (held !== undefined) {
        throw fail(ValidatorErrorCode.JAILED, 'the consensus key is jailed until governance unjails it', 'VAL-6');
      }
      const { publicKey, power, name, operator } = change.value;
      entry = { publicKey, power, name, operator };
    } else {
      if (held === undefined) throw fail(ValidatorErrorCode.NOT_JAILED, 'the consensus key is not jailed', 'VAL-11');
      const power = change.value.power;
      entry = held.validator === undefined || power === 0n ? held.validator : { ...held.validator, power };
    }
    // VAL-11: a key jailed after it had left the set only leaves `jailed`
    if (entry === undefined) return [...candidate];
    if (existing !== undefined) {
      throw fail(ValidatorErrorCode.DUPLICATE_VALIDATOR, 'the consensus key is already a validator', 'VAL-6');
    }
    const operator = entry.operator;
    if (candidate.some((v) => bytesEqual(v.operator, operator))) {
      throw fail(ValidatorErrorCode.DUPLICATE_OPERATOR, 'the operator already acts for a validator', 'VAL-6');
    }
    if (candidate.length >= MAX_VALIDATORS) {
      throw fail(ValidatorErrorCode.TOO_MANY_VALIDATORS, `the set has ${MAX_VALIDATORS} validators already`, 'VAL-6', {
        max: MAX_VALIDATORS,
      });
    }
    if (total + entry.power > MAX_TOTAL_POWER) {
      throw fail(ValidatorErrorCode.POWER_OVERFLOW, 'the total power would exceed 2^60', 'VAL-6');
    }
    after = [...candidate, entry];
  } else {
    if (existing === undefined) {
      throw fail(ValidatorErrorCode.UNKNOWN_VALIDATOR, 'no validator has this consensus key', 'VAL-6');
    }
    if (change.case === 'removeValidator') {
      after = candidate.filter((v) => v !== existing);
    } else {
      const power = change.value.power;
      if (total - existing.power + power > MAX_TOTAL_POWER) {
        throw fail(ValidatorErrorCode.POWER_OVERFLOW, 'the total power would exceed 2^60', 'VAL-6');
      }
      after = candidate.map((v) => (v === existing ? { ...v, power } : v));
    }
  }
  checkStep(base, after);
  return sortSet(after);
}

/** VAL-6 step 2: less than a third of the base's power may leave, and less than a third arrive, in one step. */
function checkStep(base: readonly Validator[], after: readonly Validator[]): void {
  const total = totalOf(base);
  let removed = 0n;
  let added = 0n;
  for (const v of base) {
    const now = findKey(after, v.publicKey)?.power ?? 0n;
    if (now < v.power) removed += v.power - now;
  }
  for (const v of after) {
    const before = findKey(base, v.publicKey)?.power ?? 0n;
    if (v.power > before) added += v.power - before;
  }
  if (3n * removed >= total || 3n * added >= total) {
    throw fail(
      ValidatorErrorCode.TOO_MUCH_CHANGE,
      `one step may move less than a third of the power ${total}: ${removed} would leave and ${added} arrive`,
      'VAL-6',
      { removed, added, total },
    );
  }
}

/** VAL-4: validator-set changes are refused below their app version. */
export function requireChangesInForce(appVersion: number): void {
  if (appVersion < VALIDATOR_CHANGES_FROM) {
    throw fail(
      ValidatorErrorCode.NOT_IN_FORCE,
      `validator-set changes are executed from app version ${VALIDATOR_CHANGES_FROM}; the block's is ${appVersion}`,
      'VAL-4',
      { appVersion, from: VALIDATOR_CHANGES_FROM },
    );
  }
}

/**
 * VAL-7: the record's lists after the block at H, given its sets as the block started and the candidate with the
 * changes passed in it (undefined when none passed). Lists that were empty stay empty when nothing passed.
 */
export function shiftSets(state: GovState, sets: RecordSets, candidate: readonly Validator[] | undefined): void {
  if (state.validators.length === 0 && candidate === undefined) return;
  state.lastValidators = [...sets.current];
  state.validators = [...sets.next];
  state.nextValidators = [...(candidate ?? sets.next)];
}
