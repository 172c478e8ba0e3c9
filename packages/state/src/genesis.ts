/**
 * The genesis file (specs/state.md GEN-1..GEN-7): its JSON form, its checks in GEN-6 order, its hash.
 */
import type { Genesis, GenesisAccount, GenesisValidator, GovParams, Params, Validator } from '@babychain/codec';
import { BabyError, compareBytes, encode, ruleError as genesisError, sha256, toHex } from '@babychain/codec';
import {
  addressFromPublicKey,
  decodeAddress,
  encodeAddress,
  partyKeyProblem,
  publicKeyProblem,
} from '@babychain/crypto';
import { GenesisErrorCode } from './errors.ts';
import { malformed, type RawValidator, readShape } from './genesis-shape.ts';
import { parseVersion } from './version.ts';

const U64_MAX = (1n << 64n) - 1n;
/** GEN-4: the total voting power is at most 2^60. */
export const MAX_TOTAL_POWER = 1n << 60n;
/** GEN-5, BLK-2: the bounds of `maxBlockBytes`. */
export const MIN_MAX_BLOCK_BYTES = 1024n;
export const MAX_MAX_BLOCK_BYTES = 4_194_304n;
const ADDRESS_BYTES = 20;

/** GEN-5: the `Maturity` enum values and their JSON names. */
export const Maturity = { BABY: 0, GROWN_UP: 1 } as const;
const MATURITY_NAMES: ReadonlyMap<string, number> = new Map([
  ['baby', Maturity.BABY],
  ['grown-up', Maturity.GROWN_UP],
]);

/** The genesis file as JSON (specs/state.md): uint64 as decimal strings, bech32m addresses, hex keys. */
export interface GenesisJson {
  chainId: string;
  genesisTimeMs: string;
  maturity: string;
  addressPrefix: string;
  params: { minFee: string; maxBlockBytes: string; maxBlockTxs: number };
  /** GOV-2; absent: the defaults */
  govParams?: {
    minDeposit: string;
    babyVotingPeriod: string;
    grownUpVotingPeriod: string;
    babyUpgradeDelay: string;
    grownUpUpgradeDelay: string;
    releaseSigners: string[];
    releaseThreshold: number;
  };
  /** GEN-5, GOV-3: the release the chain starts on; absent: none ("") */
  releaseVersion?: string;
  /** GEN-5, GOV-3: the app version the chain starts at; absent: 0 */
  appVersion?: number;
  accounts: { address: string; balance: string }[];
  /** `operator` (VAL-1): the account that acts for the validator in governance; absent: its key's address */
  validators: { name: string; publicKey: string; power: string; operator?: string }[];
}

/** The default chain parameters of a development genesis (the values of the spec's example). */
export const DEFAULT_PARAMS: Readonly<Params> = Object.freeze({
  minFee: 500n,
  maxBlockBytes: 1_048_576n,
  maxBlockTxs: 5000,
});

/** GOV-2 (specs/governance.md): the governance parameters a genesis without `govParams` gets. */
export const DEFAULT_GOV_PARAMS: Readonly<GovParams> = Object.freeze({
  minDeposit: 10_000_000n,
  babyVotingPeriod: 20n,
  grownUpVotingPeriod: 2000n,
  babyUpgradeDelay: 5n,
  grownUpUpgradeDelay: 200n,
  releaseSigners: [],
  releaseThreshold: 0,
});
const MAX_PERIOD = 1_000_000n;
const MAX_RELEASE_SIGNERS = 16;

/** GOV-2: absent (zero) numeric fields take their defaults; signers and threshold are taken as given. */
export function withGovDefaults(p: GovParams | undefined): GovParams {
  const d = DEFAULT_GOV_PARAMS;
  if (p === undefined) return { ...d, releaseSigners: [] };
  return {
    minDeposit: p.minDeposit === 0n ? d.minDeposit : p.minDeposit,
    babyVotingPeriod: p.babyVotingPeriod === 0n ? d.babyVotingPeriod : p.babyVotingPeriod,
    grownUpVotingPeriod: p.grownUpVotingPeriod === 0n ? d.grownUpVotingPeriod : p.grownUpVotingPeriod,
    babyUpgradeDelay: p.babyUpgradeDelay === 0n ? d.babyUpgradeDelay : p.babyUpgradeDelay,
    grownUpUpgradeDelay: p.grownUpUpgradeDelay === 0n ? d.grownUpUpgradeDelay : p.grownUpUpgradeDelay,
    releaseSigners: p.releaseSigners,
    releaseThreshold: p.releaseThreshold,
  };
}

/** GOV-2's bounds on governance parameters (defaults already filled in): GENESIS_BAD_GOV_PARAMS. */
/**
 * GOV-2's bounds. `versionInForce` is GOV-3's (the genesis `releaseVersion` for a genesis): release signers need one,
 * or "greater than the version in force" (REL-4) would not mean the same to consensus and to a launcher.
 */
export function validateGovParams(p: GovParams, versionInForce: string): void {
  const bad = (message: string, param: string) =>
    genesisError(GenesisErrorCode.BAD_GOV_PARAMS, message, 'GOV-2', { param });
  if (p.minDeposit < 1n) throw bad('minDeposit is 0', 'minDeposit');
  const periods = [
    ['babyVotingPeriod', p.babyVotingPeriod, 1n],
    ['grownUpVotingPeriod', p.grownUpVotingPeriod, p.babyVotingPeriod],
    ['babyUpgradeDelay', p.babyUpgradeDelay, 1n],
    ['grownUpUpgradeDelay', p.grownUpUpgradeDelay, p.babyUpgradeDelay],
  ] as const;
  for (const [name, value, min] of periods) {
    if (value < min || value > MAX_PERIOD) throw bad(`${name} ${value} is outside ${min}..${MAX_PERIOD}`, name);
  }
  if (p.releaseSigners.length > MAX_RELEASE_SIGNERS) {
    throw bad(`${p.releaseSigners.length} release signers, at most ${MAX_RELEASE_SIGNERS}`, 'releaseSigners');
  }
  p.releaseSigners.forEach((key, i) => {
    if (key.length !== 32) throw bad(`release signer ${i} is ${key.length} bytes, not 32`, 'releaseSigners');
    const problem = partyKeyProblem(key);
    if (problem !== undefined) {
      throw bad(`release signer ${i} cannot stand for one signer (${problem}, SIG-9)`, 'releaseSigners');
    }
    const previous = p.releaseSigners[i - 1];
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      throw bad('release signers are not strictly ascending', 'releaseSigners');
    }
  });
  if (p.releaseThreshold > p.releaseSigners.length || (p.releaseSigners.length > 0 && p.releaseThreshold < 1)) {
    throw bad(`release threshold ${p.releaseThreshold} with ${p.releaseSigners.length} signers`, 'releaseThreshold');
  }
  if (p.releaseSigners.length > 0 && versionInForce === '') {
    throw bad('release signers need a version in force: declare the release the chain starts on', 'releaseSigners');
  }
}

/** GEN-5: "" (no release declared) or a REL-2 version. */
function checkReleaseVersion(version: string): void {
  if (version === '') return;
  try {
    parseVersion(version);
  } catch {
    throw genesisError(
      GenesisErrorCode.BAD_RELEASE_VERSION,
      `releaseVersion ${JSON.stringify(version)} is not MAJOR.MINOR.PATCH (REL-2)`,
      'GEN-5',
      { releaseVersion: version },
    );
  }
}

/** GEN-5's bounds on chain parameters (also what a parameter change must pass, GOV-9). */
export function validateParams(params: Params): void {
  checkParams(params);
}

/** SHA-256 of the canonical `Genesis` encoding: nodes compare it before talking to each other. */
export function genesisHash(genesis: Genesis): Uint8Array {
  return sha256(encode('babychain.v0.Genesis', genesis));
}

/** The total of the genesis balances (the constant supply, STATE-7). */
export function genesisSupply(genesis: Genesis): bigint {
  return genesis.accounts.reduce((sum, a) => sum + a.balance, 0n);
}

/** The parameters of a validated genesis (GEN-5 guarantees they are present). */
export function genesisParams(genesis: Genesis): Params {
  const params = genesis.params;
  if (params === undefined) throw genesisError(GenesisErrorCode.BAD_PARAMS, 'genesis has no params', 'GEN-5');
  return params;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

/** Parses genesis file text and validates it (GEN-1..GEN-6). Throws BabyError with the first failing rule's code. */
export function parseGenesis(text: string): Genesis {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BabyError(GenesisErrorCode.MALFORMED, `genesis is not JSON: ${(err as Error).message}`, {
      rule: 'GEN-6',
    });
  }
  return genesisFromJson(json);
}

/** Validates an already parsed JSON value (GEN-1..GEN-6) and returns the `Genesis` message. */
export function genesisFromJson(json: unknown): Genesis {
  return fromJson(json, false);
}

/**
 * GEN-8: a genesis draft, the file a ceremony starts from: every GEN rule holds except that it has no validators
 * yet (a draft that lists one is GENESIS_MALFORMED at `$.validators`). Its hash is `genesisHash` of the result.
 */
export function genesisDraftFromJson(json: unknown): Genesis {
  return fromJson(json, true);
}

function fromJson(json: unknown, draft: boolean): Genesis {
  const raw = readShape(json);
  if (draft && raw.validators.length > 0) throw malformed('$.validators', 'a draft has no validators (GEN-8)');
  checkChainId(raw.chainId);
  checkPrefix(raw.addressPrefix);
  checkParams(raw.params);
  const releaseVersion = raw.releaseVersion ?? '';
  checkReleaseVersion(releaseVersion);
  if (raw.govParams !== undefined) validateGovParams(withGovDefaults(raw.govParams), releaseVersion);
  const maturity = MATURITY_NAMES.get(raw.maturity);
  if (maturity === undefined) {
    throw genesisError(
      GenesisErrorCode.BAD_MATURITY,
      `maturity is "${raw.maturity}", not "baby" or "grown-up"`,
      'GEN-5',
      {
        maturity: raw.maturity,
      },
    );
  }
  const accounts = checkAccounts(raw.accounts, raw.addressPrefix);
  const validators = draft ? [] : checkValidators(raw.validators, raw.addressPrefix);
  return {
    chainId: raw.chainId,
    genesisTimeMs: raw.genesisTimeMs,
    maturity,
    addressPrefix: raw.addressPrefix,
    params: raw.params,
    accounts,
    validators,
    ...(raw.govParams === undefined ? {} : { govParams: raw.govParams }),
    releaseVersion,
    appVersion: raw.appVersion ?? 0,
  };
}

/**
 * Checks a `Genesis` message built in code (or read back from a store) by the same rules and in the same order as
 * the file form. Addresses must be 20 bytes (CRYPTO_BAD_ADDRESS, as ADDR-5 reports a wrong payload length).
 */
export function validateGenesis(genesis: Genesis): void {
  checkChainId(genesis.chainId);
  checkPrefix(genesis.addressPrefix);
  if (genesis.params === undefined) throw genesisError(GenesisErrorCode.BAD_PARAMS, 'genesis has no params', 'GEN-5');
  checkParams(genesis.params);
  checkReleaseVersion(genesis.releaseVersion);
  if (genesis.govParams !== undefined) validateGovParams(withGovDefaults(genesis.govParams), genesis.releaseVersion);
  if (genesis.maturity !== Maturity.BABY && genesis.maturity !== Maturity.GROWN_UP) {
    throw genesisError(GenesisErrorCode.BAD_MATURITY, `maturity ${genesis.maturity} is unknown`, 'GEN-5');
  }
  checkAccounts(genesis.accounts, genesis.addressPrefix);
  checkValidators(genesis.validators, genesis.addressPrefix);
}

/** The JSON file form of a genesis (write it with `JSON.stringify(json, null, 2)`). */
export function genesisToJson(genesis: Genesis): GenesisJson {
  const params = genesisParams(genesis);
  const maturity = [...MATURITY_NAMES].find(([, v]) => v === genesis.maturity)?.[0];
  if (maturity === undefined) {
    throw genesisError(GenesisErrorCode.BAD_MATURITY, `maturity ${genesis.maturity} is unknown`, 'GEN-5');
  }
  return {
    chainId: genesis.chainId,
    genesisTimeMs: genesis.genesisTimeMs.toString(),
    maturity,
    addressPrefix: genesis.addressPrefix,
    params: {
      minFee: params.minFee.toString(),
      maxBlockBytes: params.maxBlockBytes.toString(),
      maxBlockTxs: params.maxBlockTxs,
    },
    ...(genesis.govParams === undefined ? {} : { govParams: govParamsToJson(genesis.govParams) }),
    ...(genesis.releaseVersion === '' ? {} : { releaseVersion: genesis.releaseVersion }),
    ...(genesis.appVersion === 0 ? {} : { appVersion: genesis.appVersion }),
    accounts: genesis.accounts.map((a) => ({
      address: encodeAddress(a.address, genesis.addressPrefix),
      balance: a.balance.toString(),
    })),
    validators: genesis.validators.map((v) => ({
      name: v.name,
      publicKey: toHex(v.publicKey),
      power: v.power.toString(),
      ...(v.operator.length === 0 ? {} : { operator: encodeAddress(v.operator, genesis.addressPrefix) }),
    })),
  };
}

function govParamsToJson(g: GovParams): NonNullable<GenesisJson['govParams']> {
  return {
    minDeposit: g.minDeposit.toString(),
    babyVotingPeriod: g.babyVotingPeriod.toString(),
    grownUpVotingPeriod: g.grownUpVotingPeriod.toString(),
    babyUpgradeDelay: g.babyUpgradeDelay.toString(),
    grownUpUpgradeDelay: g.grownUpUpgradeDelay.toString(),
    releaseSigners: g.releaseSigners.map((k) => toHex(k)),
    releaseThreshold: g.releaseThreshold,
  };
}

export interface DevGenesisOptions {
  chainId: string;
  /** addresses as 20 bytes or as bech32m text with `addressPrefix` */
  accounts: readonly { address: Uint8Array | string; balance: bigint }[];
  /** `operator` (VAL-1): bytes or text with `addressPrefix`; absent: the key's address */
  validators: readonly RawValidator[];
  params?: Partial<Params>;
  /** default: 0 */
  genesisTimeMs?: bigint;
  /** default: "baby" */
  addressPrefix?: string;
  /** default: Maturity.BABY */
  maturity?: number;
  /** GOV-2; default: absent (every field takes its default) */
  govParams?: GovParams;
  /** GEN-5, GOV-3: the release the chain starts on; default "" (none) */
  releaseVersion?: string;
  /** GEN-5, GOV-3: the app version the chain starts at; default 0 */
  appVersion?: number;
}

/** A validated genesis for devnets and tests; missing params take DEFAULT_PARAMS. */
export function createDevGenesis(opts: DevGenesisOptions): Genesis {
  const addressPrefix = opts.addressPrefix ?? 'baby';
  checkPrefix(addressPrefix);
  const genesis: Genesis = {
    chainId: opts.chainId,
    genesisTimeMs: opts.genesisTimeMs ?? 0n,
    maturity: opts.maturity ?? Maturity.BABY,
    addressPrefix,
    params: { ...DEFAULT_PARAMS, ...opts.params },
    accounts: opts.accounts.map((a) => ({
      address: typeof a.address === 'string' ? decodeAddress(a.address, addressPrefix) : a.address,
      balance: a.balance,
    })),
    validators: checkValidators(opts.validators, addressPrefix),
    ...(opts.govParams === undefined ? {} : { govParams: opts.govParams }),
    releaseVersion: opts.releaseVersion ?? '',
    appVersion: opts.appVersion ?? 0,
  };
  validateGenesis(genesis);
  return genesis;
}

// ---------------------------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------------------------

const CHAIN_ID = /^[a-z][a-z0-9-]{0,47}$/;
const PREFIX = /^[a-z]{1,16}$/;

/** GEN-1 */
function checkChainId(chainId: string): void {
  if (!CHAIN_ID.test(chainId)) {
    throw genesisError(
      GenesisErrorCode.BAD_CHAIN_ID,
      `chain id ${JSON.stringify(chainId)} is not 1 to 48 of a-z, 0-9 and "-" starting with a letter`,
      'GEN-1',
      { chainId },
    );
  }
}

/** GEN-2 (the prefix itself; the accounts' use of it is checked with each account, in file order). */
function checkPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw genesisError(
      GenesisErrorCode.BAD_PREFIX,
      `address prefix ${JSON.stringify(prefix)} is not 1 to 16 of a-z`,
      'GEN-2',
      {
        prefix,
      },
    );
  }
}

/** GEN-5 (parameters) */
function checkParams(params: Params): void {
  if (params.maxBlockBytes < MIN_MAX_BLOCK_BYTES || params.maxBlockBytes > MAX_MAX_BLOCK_BYTES) {
    throw genesisError(
      GenesisErrorCode.BAD_PARAMS,
      `maxBlockBytes ${params.maxBlockBytes} is outside ${MIN_MAX_BLOCK_BYTES}..${MAX_MAX_BLOCK_BYTES}`,
      'GEN-5',
      { param: 'maxBlockBytes' },
    );
  }
  if (params.maxBlockTxs < 1) {
    throw genesisError(GenesisErrorCode.BAD_PARAMS, 'maxBlockTxs is 0, at least 1 is needed', 'GEN-5', {
      param: 'maxBlockTxs',
    });
  }
}

/** GEN-2 (each address uses the prefix: ADDR-5 codes) and GEN-3, account by account in file order. */
function checkAccounts(
  accounts: readonly { address: Uint8Array | string; balance: bigint }[],
  prefix: string,
): GenesisAccount[] {
  const seen = new Set<string>();
  const out: GenesisAccount[] = [];
  let supply = 0n;
  accounts.forEach((a, index) => {
    const address = typeof a.address === 'string' ? decodeAddress(a.address, prefix) : a.address;
    if (address.length !== ADDRESS_BYTES) {
      // What decodeAddress reports for a payload that is not 20 bytes (ADDR-5).
      throw new BabyError('CRYPTO_BAD_ADDRESS', `account ${index}: an address is ${ADDRESS_BYTES} bytes`, {
        rule: 'GEN-2',
        index,
      });
    }
    const hex = toHex(address);
    if (seen.has(hex)) {
      throw genesisError(
        GenesisErrorCode.DUPLICATE_ACCOUNT,
        `account ${index} (${encodeAddress(address, prefix)}) is listed twice`,
        'GEN-3',
        { index, address: encodeAddress(address, prefix) },
      );
    }
    seen.add(hex);
    if (a.balance === 0n) {
      throw genesisError(GenesisErrorCode.ZERO_BALANCE, `account ${index} has balance 0`, 'GEN-3', { index });
    }
    supply += a.balance;
    if (supply > U64_MAX) {
      throw genesisError(GenesisErrorCode.SUPPLY_OVERFLOW, 'the sum of the balances exceeds 2^64-1', 'GEN-3', {
        index,
      });
    }
    out.push({ address, balance: a.balance });
  });
  return out;
}

/** VAL-1: the account that acts for a genesis validator in governance, its key's address when none is named. */
export function genesisOperator(v: GenesisValidator): Uint8Array {
  return v.operator.length > 0 ? v.operator : addressFromPublicKey(v.publicKey);
}

/** VAL-2: the genesis validators as the governance record keeps a set (operators resolved), in genesis order. */
export function genesisValidators(genesis: Genesis): Validator[] {
  return genesis.validators.map((v) => ({
    publicKey: v.publicKey,
    power: v.power,
    name: v.name,
    operator: genesisOperator(v),
  }));
}

/** GEN-4, validator by validator in file order. */
function checkValidators(validators: readonly RawValidator[], prefix: string): GenesisValidator[] {
  if (validators.length === 0) {
    throw genesisError(GenesisErrorCode.NO_VALIDATORS, 'genesis has no validators', 'GEN-4');
  }
  const seen = new Set<string>();
  const operators = new Set<string>();
  const out: GenesisValidator[] = [];
  let total = 0n;
  validators.forEach((v, index) => {
    const reason = publicKeyProblem(v.publicKey);
    if (reason !== undefined) {
      throw genesisError(
        GenesisErrorCode.BAD_VALIDATOR_KEY,
        `validator ${index} (${v.name}) has an invalid key: ${reason}`,
        'GEN-4',
        { index, reason },
      );
    }
    const hex = toHex(v.publicKey);
    if (seen.has(hex)) {
      throw genesisError(
        GenesisErrorCode.DUPLICATE_VALIDATOR,
        `validator ${index} (${v.name}) repeats an earlier key`,
        'GEN-4',
        {
          index,
        },
      );
    }
    seen.add(hex);
    const operator = checkOperator(v.operator, prefix, index);
    const operatorHex = toHex(operator.length > 0 ? operator : addressFromPublicKey(v.publicKey));
    if (operators.has(operatorHex)) {
      throw genesisError(
        GenesisErrorCode.DUPLICATE_OPERATOR,
        `validator ${index} (${v.name}) has the operator of an earlier one`,
        'GEN-4',
        { index },
      );
    }
    operators.add(operatorHex);
    if (v.power === 0n) {
      throw genesisError(GenesisErrorCode.ZERO_POWER, `validator ${index} (${v.name}) has power 0`, 'GEN-4', {
        index,
      });
    }
    total += v.power;
    if (total > MAX_TOTAL_POWER) {
      throw genesisError(GenesisErrorCode.POWER_OVERFLOW, 'the total voting power exceeds 2^60', 'GEN-4', { index });
    }
    out.push({ name: v.name, publicKey: v.publicKey, power: v.power, operator });
  });
  return out;
}

/** GEN-4's operator: an address with the genesis's prefix (ADDR-5 codes), or none (empty bytes). */
function checkOperator(operator: Uint8Array | string | undefined, prefix: string, index: number): Uint8Array {
  if (operator === undefined) return new Uint8Array(0);
  const bytes = typeof operator === 'string' ? decodeAddress(operator, prefix) : operator;
  if (bytes.length !== 0 && bytes.length !== ADDRESS_BYTES) {
    throw new BabyError('CRYPTO_BAD_ADDRESS', `validator ${index}: an operator address is ${ADDRESS_BYTES} bytes`, {
      rule: 'GEN-4',
      index,
    });
  }
  return bytes;
}
