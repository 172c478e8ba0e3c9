/**
 * The governance record (specs/governance.md GOV-3): its key, its encoding, and the values it puts in force over
 * the genesis ones. Also the voters of GOV-1: the genesis validators, by their operators (VAL-1).
 */
import type { Genesis, GovParams, GovState, Params } from '@babychain/codec';
import { create, decode, encode, sha256, toHex } from '@babychain/codec';
import { genesisParams, Maturity, withGovDefaults } from '@babychain/state';

/** GOV-3: the record's key in the state tree, SHA-256 of the 16 ASCII bytes "babychain/gov/v0". */
export const GOV_RECORD_KEY: Uint8Array = sha256(new TextEncoder().encode('babychain/gov/v0'));

/** GOV-3: the record's `GovState`; empty bytes are the genesis state. */
export function decodeGovRecord(record: Uint8Array): GovState {
  return record.length === 0 ? create('babychain.v0.GovState', {}) : decode('babychain.v0.GovState', record);
}

/** The canonical encoding: a state where nothing has happened encodes to empty bytes (no leaf). */
export function encodeGovRecord(state: GovState): Uint8Array {
  return encode('babychain.v0.GovState', state);
}

/** GOV-3: the chain params in force. */
export function paramsInForce(genesis: Genesis, state: GovState): Params {
  return state.params ?? genesisParams(genesis);
}

/** GOV-3: the governance params in force, GOV-2 defaults filled in. */
export function govParamsInForce(genesis: Genesis, state: GovState): GovParams {
  return withGovDefaults(state.govParams ?? genesis.govParams);
}

/**
 * GOV-3: the version in force, the one definition consensus (UPG-2's REL-4) and launchers (UPG-8) share: the release
 * of the last applied upgrade, else the release the genesis starts on, else "".
 */
export function versionInForce(genesis: Genesis, state: GovState): string {
  return state.version !== '' ? state.version : genesis.releaseVersion;
}

/** GOV-3, GOV-7: grown up if either the genesis or the record says so. */
export function isGrownUp(genesis: Genesis, state: GovState): boolean {
  return genesis.maturity === Maturity.GROWN_UP || state.maturity === Maturity.GROWN_UP;
}

/** GOV-3: the app version in force, the greater of the last applied upgrade's and the genesis's (GEN-5). */
export function appVersionInForce(genesis: Genesis, state: GovState): number {
  return Math.max(state.appVersion, genesis.appVersion);
}

/** GOV-3: `next_proposal_id` absent means 1. */
export function nextProposalId(state: GovState): bigint {
  return state.nextProposalId === 0n ? 1n : state.nextProposalId;
}

/** GOV-1: the voters, by the address of their consensus key, with their power. */
/** GOV-1, VAL-8: the voters of one block, the operators of its set, each with its validator's power. */
export class Voters {
  readonly total: bigint;
  readonly #power: ReadonlyMap<string, bigint>;

  constructor(set: readonly { readonly operator: Uint8Array; readonly power: bigint }[]) {
    const power = new Map<string, bigint>();
    let total = 0n;
    for (const v of set) {
      power.set(toHex(v.operator), v.power);
      total += v.power;
    }
    this.#power = power;
    this.total = total;
  }

  /** the voting power of `address`, 0 for an address that is not a validator */
  powerOf(address: Uint8Array): bigint {
    return this.#power.get(toHex(address)) ?? 0n;
  }

  isVoter(address: Uint8Array): boolean {
    return this.#power.has(toHex(address));
  }

  /** the summed power of distinct `addresses` */
  powerOfAll(addresses: Iterable<Uint8Array>): bigint {
    const seen = new Set<string>();
    let sum = 0n;
    for (const a of addresses) {
      const hex = toHex(a);
      if (seen.has(hex)) continue;
      seen.add(hex);
      sum += this.#power.get(hex) ?? 0n;
    }
    return sum;
  }
}
