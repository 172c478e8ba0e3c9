/**
 * The genesis file's JSON shape (specs/state.md GEN-6): every key, its type and nothing else, read into values the
 * rules of genesis.ts then check. Anything else is GENESIS_MALFORMED, naming the path.
 */
import type { GovParams, Params } from '@babychain/codec';
import { BabyError, fromHex } from '@babychain/codec';
import { GenesisErrorCode } from './errors.ts';

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;

export interface RawGenesis {
  chainId: string;
  genesisTimeMs: bigint;
  maturity: string;
  addressPrefix: string;
  params: Params;
  govParams?: GovParams;
  releaseVersion?: string;
  appVersion?: number;
  accounts: { address: string; balance: bigint }[];
  validators: RawValidator[];
}

/** A validator as a file or a caller gives it: the operator as text (with the genesis's prefix), bytes or absent. */
export interface RawValidator {
  name: string;
  publicKey: Uint8Array;
  power: bigint;
  operator?: Uint8Array | string | undefined;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function malformed(path: string, message: string): BabyError {
  return new BabyError(GenesisErrorCode.MALFORMED, `genesis ${path}: ${message}`, { rule: 'GEN-6', field: path });
}

function object(
  value: unknown,
  path: string,
  keys: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(path, 'expected an object');
  const rec = value as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    if (!keys.includes(k) && !optional.includes(k)) throw malformed(`${path}.${k}`, 'unknown key');
  }
  for (const k of keys) if (!(k in rec)) throw malformed(`${path}.${k}`, 'missing');
  return rec;
}

function str(rec: Record<string, unknown>, key: string, path: string): string {
  const v = rec[key];
  if (typeof v !== 'string') throw malformed(`${path}.${key}`, 'expected a string');
  return v;
}

function u64(rec: Record<string, unknown>, key: string, path: string): bigint {
  const v = rec[key];
  if (typeof v !== 'string' || !DECIMAL.test(v)) throw malformed(`${path}.${key}`, 'a uint64 is a decimal string');
  const n = BigInt(v);
  if (n > U64_MAX) throw malformed(`${path}.${key}`, `${v} exceeds 2^64-1`);
  return n;
}

function u32(rec: Record<string, unknown>, key: string, path: string): number {
  const v = rec[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > U32_MAX) {
    throw malformed(`${path}.${key}`, 'expected an integer from 0 to 2^32-1');
  }
  return v;
}

function list(rec: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = rec[key];
  if (!Array.isArray(v)) throw malformed(`${path}.${key}`, 'expected an array');
  return v;
}

export function readShape(json: unknown): RawGenesis {
  const top = object(
    json,
    '$',
    ['chainId', 'genesisTimeMs', 'maturity', 'addressPrefix', 'params', 'accounts', 'validators'],
    ['govParams', 'releaseVersion', 'appVersion'],
  );
  const p = object(top['params'], '$.params', ['minFee', 'maxBlockBytes', 'maxBlockTxs']);
  const params: Params = {
    minFee: u64(p, 'minFee', '$.params'),
    maxBlockBytes: u64(p, 'maxBlockBytes', '$.params'),
    maxBlockTxs: u32(p, 'maxBlockTxs', '$.params'),
  };
  const accounts = list(top, 'accounts', '$').map((el, i) => {
    const path = `$.accounts[${i}]`;
    const a = object(el, path, ['address', 'balance']);
    return { address: str(a, 'address', path), balance: u64(a, 'balance', path) };
  });
  const validators = list(top, 'validators', '$').map((el, i) => {
    const path = `$.validators[${i}]`;
    const v = object(el, path, ['name', 'publicKey', 'power'], ['operator']);
    const hex = str(v, 'publicKey', path);
    if (!HEX.test(hex)) throw malformed(`${path}.publicKey`, 'expected hex');
    return {
      name: str(v, 'name', path),
      publicKey: fromHex(hex),
      power: u64(v, 'power', path),
      ...(v['operator'] === undefined ? {} : { operator: str(v, 'operator', path) }),
    };
  });
  return {
    chainId: str(top, 'chainId', '$'),
    genesisTimeMs: u64(top, 'genesisTimeMs', '$'),
    maturity: str(top, 'maturity', '$'),
    addressPrefix: str(top, 'addressPrefix', '$'),
    params,
    ...(top['govParams'] === undefined ? {} : { govParams: readGovParams(top['govParams']) }),
    ...(top['releaseVersion'] === undefined ? {} : { releaseVersion: str(top, 'releaseVersion', '$') }),
    ...(top['appVersion'] === undefined ? {} : { appVersion: u32(top, 'appVersion', '$') }),
    accounts,
    validators,
  };
}

const GOV_PERIODS = [
  'minDeposit',
  'babyVotingPeriod',
  'grownUpVotingPeriod',
  'babyUpgradeDelay',
  'grownUpUpgradeDelay',
] as const;

/** GOV-2's JSON form: every field present, uint64 as decimal strings, signer keys as hex. */
function readGovParams(json: unknown): GovParams {
  const path = '$.govParams';
  const g = object(json, path, [...GOV_PERIODS, 'releaseSigners', 'releaseThreshold']);
  const signers = list(g, 'releaseSigners', path).map((el, i) => {
    if (typeof el !== 'string' || !HEX.test(el)) throw malformed(`${path}.releaseSigners[${i}]`, 'expected hex');
    return fromHex(el);
  });
  return {
    minDeposit: u64(g, 'minDeposit', path),
    babyVotingPeriod: u64(g, 'babyVotingPeriod', path),
    grownUpVotingPeriod: u64(g, 'grownUpVotingPeriod', path),
    babyUpgradeDelay: u64(g, 'babyUpgradeDelay', path),
    grownUpUpgradeDelay: u64(g, 'grownUpUpgradeDelay', path),
    releaseSigners: signers,
    releaseThreshold: u32(g, 'releaseThreshold', path),
  };
}
