/**
 * The genesis ceremony (specs/state.md GEN-8): operators on separate hosts each sign a submission naming their
 * validator entry against one shared draft; the coordinator collects them into the genesis. The proof in a
 * submission is VAL-5's, so a key that enters the genesis was named by whoever holds it.
 */
import type { Genesis, GenesisValidator } from '@babychain/codec';
import { BabyError, compareBytes, fromHex, isBabyError, ruleError, toHex } from '@babychain/codec';
import { addressFromPublicKey, decodeAddress, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import { GenesisErrorCode, genesisHash, validateGenesis } from '@babychain/state';
import { signPossession, verifyPossession } from './possession.ts';

/** GEN-8: a submission file, as JSON. uint64 as a decimal string, bytes as lowercase hex, the operator bech32m. */
export interface SubmissionJson {
  chainId: string;
  /** the hash (`genesisHash`) of the draft the operator read */
  draftHash: string;
  validator: { name: string; publicKey: string; power: string; operator: string };
  /** VAL-5: the consensus key's signature over the entry on `chainId` */
  possession: string;
}

/** A submission as `collectGenesis` takes it: its file name (for error messages) and its text. */
export interface SubmissionFile {
  readonly file: string;
  readonly text: string;
}

/** What an operator asks for; `operator` absent: the ADDR-1 address of the consensus key (VAL-1). */
export interface SubmissionRequest {
  readonly name: string;
  readonly power: bigint;
  readonly operator?: Uint8Array;
}

/** GEN-8: the submission of the validator whose consensus key `seed` derives, for `draft`. */
export function createSubmission(seed: Uint8Array, draft: Genesis, request: SubmissionRequest): SubmissionJson {
  const publicKey = publicKeyFromSeed(seed);
  const operator = request.operator ?? addressFromPublicKey(publicKey);
  const possession = signPossession(seed, draft.chainId, { power: request.power, name: request.name, operator });
  return {
    chainId: draft.chainId,
    draftHash: toHex(genesisHash(draft)),
    validator: {
      name: request.name,
      publicKey: toHex(publicKey),
      power: request.power.toString(),
      operator: encodeAddress(operator, draft.addressPrefix),
    },
    possession: toHex(possession),
  };
}

/**
 * GEN-8: the genesis made of `draft` (already checked as a draft) and these submissions. Each submission is checked
 * in the order given, each check in the order of GEN-8; then the validators are sorted (power descending, then
 * public key ascending bytewise) and the whole genesis passes GEN-1..GEN-6, which refuses a key or an operator
 * named twice. Every refusal names the file at fault in its message and in `meta.file`.
 */
export function collectGenesis(draft: Genesis, submissions: readonly SubmissionFile[]): Genesis {
  const draftHash = toHex(genesisHash(draft));
  const checked = submissions.map((s) => ({
    file: s.file,
    entry: withFile(s.file, () => checkSubmission(draft, draftHash, s.text)),
  }));
  checked.sort(({ entry: a }, { entry: b }) =>
    a.power === b.power ? compareBytes(a.publicKey, b.publicKey) : a.power > b.power ? -1 : 1,
  );
  const genesis: Genesis = { ...draft, validators: checked.map((c) => c.entry) };
  try {
    validateGenesis(genesis);
  } catch (err) {
    // GEN-4 names the validator by its place in the sorted list: name the file it came from instead
    const index = isBabyError(err) ? err.meta['index'] : undefined;
    const file = typeof index === 'number' ? checked[index]?.file : undefined;
    if (file === undefined) throw err;
    return withFile(file, () => {
      throw err;
    });
  }
  return genesis;
}

/** GEN-8's checks of one submission, in order; returns its validator entry, the operator always explicit. */
function checkSubmission(draft: Genesis, draftHash: string, text: string): GenesisValidator {
  const s = readSubmission(text);
  if (s.chainId !== draft.chainId) {
    throw ruleError(GenesisErrorCode.WRONG_CHAIN, `signed for chain "${s.chainId}", not "${draft.chainId}"`, 'GEN-8', {
      expected: draft.chainId,
      got: s.chainId,
    });
  }
  if (s.draftHash !== draftHash) {
    throw ruleError(GenesisErrorCode.WRONG_DRAFT, `made for draft ${s.draftHash}, not ${draftHash}`, 'GEN-8', {
      expected: draftHash,
      got: s.draftHash,
    });
  }
  const publicKey = fromHex(s.validator.publicKey);
  const power = BigInt(s.validator.power);
  // The key and the power as GEN-4 judges them (one code per failure, whoever checks): GEN-4 on this entry alone.
  validateGenesis({
    ...draft,
    validators: [{ name: s.validator.name, publicKey, power, operator: new Uint8Array(0) }],
  });
  const operator = decodeAddress(s.validator.operator, draft.addressPrefix);
  const entry = { name: s.validator.name, publicKey, power, operator };
  verifyPossession(draft.chainId, entry, fromHex(s.possession));
  return entry;
}

function withFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw new BabyError<string>(err.code, `${file}: ${err.message}`, { ...err.meta, file }, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The JSON shape: anything else is GENESIS_BAD_SUBMISSION (a truncated or hand-edited file)
// ---------------------------------------------------------------------------------------------------------------

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^(?:[0-9a-f]{2})*$/;
const HASH = /^[0-9a-f]{64}$/;
const U64_MAX = (1n << 64n) - 1n;

function bad(field: string, message: string): BabyError {
  return ruleError(GenesisErrorCode.BAD_SUBMISSION, `submission ${field}: ${message}`, 'GEN-8', { field });
}

function object(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'expected an object');
  const rec = value as Record<string, unknown>;
  for (const k of Object.keys(rec)) if (!keys.includes(k)) throw bad(`${path}.${k}`, 'unknown key');
  for (const k of keys)
    if (typeof rec[k] !== (k === 'validator' ? 'object' : 'string'))
      throw bad(`${path}.${k}`, 'missing or not a string');
  return rec;
}

function matching(rec: Record<string, unknown>, key: string, path: string, form: RegExp, what: string): string {
  const v = rec[key] as string;
  if (!form.test(v)) throw bad(`${path}.${key}`, `expected ${what}`);
  return v;
}

/** Parses a submission's text; checks its shape only (GEN-8 step 1). */
export function readSubmission(text: string): SubmissionJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad('$', `not JSON (${(err as Error).message})`);
  }
  const top = object(json, '$', ['chainId', 'draftHash', 'validator', 'possession']);
  const v = object(top['validator'], '$.validator', ['name', 'publicKey', 'power', 'operator']);
  const power = matching(v, 'power', '$.validator', DECIMAL, 'a uint64 as a decimal string');
  if (BigInt(power) > U64_MAX) throw bad('$.validator.power', `${power} exceeds 2^64-1`);
  return {
    chainId: top['chainId'] as string,
    draftHash: matching(top, 'draftHash', '$', HASH, '64 lowercase hex digits'),
    validator: {
      name: v['name'] as string,
      publicKey: matching(v, 'publicKey', '$.validator', HEX, 'lowercase hex'),
      power,
      operator: v['operator'] as string,
    },
    possession: matching(top, 'possession', '$', HEX, 'lowercase hex'),
  };
}
