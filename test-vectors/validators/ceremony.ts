// The `genesis-collect` cases of test-vectors/validators/genesis-collect.json (specs/state.md GEN-8), for generate.ts.
// The expected genesis is modelled here from the protocol's pieces: the Genesis encoding and SHA-256 for the hashes,
// ed25519 for the proofs, and GEN-8's order (power descending, then public key ascending) written out again, never
// packages/state's or packages/upgrade's ceremony code; each must-reject case names its one defect.
import { compareBytes, encode, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, publicKeyFromSeed, sign } from '@babychain/crypto';

const CHAIN = 'babychain-ceremony-1';
const seedOf = (n: number) => sha256(new TextEncoder().encode(`babychain ceremony vector key ${n}`));
const key = (n: number) => {
  const seed = seedOf(n);
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
};
const keys = [key(0), key(1), key(2), key(3)] as const;
const [k0, k1, k2, k3] = keys;
const funded = key(10);

const params = { minFee: 500n, maxBlockBytes: 1_048_576n, maxBlockTxs: 5000 };
const draftJson = {
  chainId: CHAIN,
  genesisTimeMs: '1795400000000',
  maturity: 'baby',
  addressPrefix: 'baby',
  params: { minFee: '500', maxBlockBytes: '1048576', maxBlockTxs: 5000 },
  releaseVersion: '0.1.0',
  accounts: [{ address: encodeAddress(funded.address), balance: '1000000000' }],
  validators: [] as unknown[],
};

interface Entry {
  publicKey: Uint8Array;
  power: bigint;
  name: string;
  operator: Uint8Array;
}

/** The Genesis message the draft stands for, with `validators` (the model's genesis hash input). */
function genesisMessage(validators: Entry[], chainId = CHAIN, genesisTimeMs = 1_795_400_000_000n) {
  return {
    chainId,
    genesisTimeMs,
    maturity: 0,
    addressPrefix: 'baby',
    params,
    accounts: [{ address: funded.address, balance: 1_000_000_000n }],
    validators,
    releaseVersion: '0.1.0',
    appVersion: 0,
  };
}
const hashOf = (validators: Entry[], time?: bigint) =>
  toHex(sha256(encode('babychain.v0.Genesis', genesisMessage(validators, CHAIN, time))));
const DRAFT_HASH = hashOf([]);

const proof = (seed: Uint8Array, chainId: string, e: Entry) =>
  toHex(sign(seed, encode('babychain.v0.PossessionSignDoc', { domain: 'babychain/possession/v0', chainId, ...e })));

interface Submission {
  chainId: string;
  draftHash: string;
  validator: { name: string; publicKey: string; power: string; operator: string };
  possession: string;
}

/** A submission signed by `k` for `entry` (power, name, operator), as an honest operator writes it. */
function submission(
  k: ReturnType<typeof key>,
  power: bigint,
  name: string,
  operator = k.address,
  chainId = CHAIN,
  draftHash = DRAFT_HASH,
  prefix = 'baby',
): Submission {
  const e = { publicKey: k.publicKey, power, name, operator };
  return {
    chainId,
    draftHash,
    validator: {
      name,
      publicKey: toHex(k.publicKey),
      power: power.toString(),
      operator: encodeAddress(operator, prefix),
    },
    possession: proof(k.seed, chainId, e),
  };
}

/** GEN-8's order, modelled: power descending, then public key ascending bytewise. */
function ordered(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) =>
    a.power === b.power ? compareBytes(a.publicKey, b.publicKey) : a.power > b.power ? -1 : 1,
  );
}
const entryOf = (k: ReturnType<typeof key>, power: bigint, name: string, operator = k.address): Entry => ({
  publicKey: k.publicKey,
  power,
  name,
  operator,
});

export interface Case {
  id: string;
  description: string;
  rule: string;
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}
export const collectCases: Case[] = [];
const text = (s: Submission | string) => (typeof s === 'string' ? s : JSON.stringify(s));

function accept(id: string, description: string, subs: Submission[], entries: Entry[]) {
  const sorted = ordered(entries);
  collectCases.push({
    id: `gen-collect-${id}`,
    description,
    rule: 'GEN-8',
    input: { draft: draftJson, submissions: subs.map(text) },
    expected: {
      ok: true,
      genesisHash: hashOf(sorted),
      validators: sorted.map((v) => ({
        name: v.name,
        publicKey: toHex(v.publicKey),
        power: v.power.toString(),
        operator: encodeAddress(v.operator),
      })),
    },
  });
}
function reject(
  id: string,
  description: string,
  subs: (Submission | string)[],
  error: string,
  draft: unknown = draftJson,
) {
  collectCases.push({
    id: `gen-collect-${id}`,
    description,
    rule: 'GEN-8',
    input: { draft, submissions: subs.map(text) },
    expected: { ok: false, error },
  });
}

const s0 = submission(k0, 10n, 'v0');
const s1 = submission(k1, 30n, 'v1', funded.address);
const s2 = submission(k2, 10n, 'v2');
const s3 = submission(k3, 20n, 'v3');
const all = [
  entryOf(k0, 10n, 'v0'),
  entryOf(k1, 30n, 'v1', funded.address),
  entryOf(k2, 10n, 'v2'),
  entryOf(k3, 20n, 'v3'),
];

accept('four', 'four submissions in file order: sorted by power, equal powers by public key', [s0, s1, s2, s3], all);
accept('four-reversed', 'the same four given in reverse order: the same genesis, byte for byte', [s3, s2, s1, s0], all);
accept('one', 'a single submission whose operator is its own key address', [s2], [entryOf(k2, 10n, 'v2')]);

reject('none', 'no submission: a genesis without validators', [], 'GENESIS_NO_VALIDATORS');
reject('draft-with-validator', 'the draft already lists a validator', [s0], 'GENESIS_MALFORMED', {
  ...draftJson,
  validators: [{ name: 'x', publicKey: toHex(k3.publicKey), power: '1' }],
});
reject('truncated', 'the file cut off after 100 characters', [text(s0).slice(0, 100)], 'GENESIS_BAD_SUBMISSION');
reject(
  'extra-key',
  'a key GEN-8 does not define ("memo")',
  [{ ...s0, memo: 'hi' } as Submission],
  'GENESIS_BAD_SUBMISSION',
);
reject(
  'power-number',
  'the power as a JSON number instead of a decimal string',
  [text(s0).replace('"power":"10"', '"power":10')],
  'GENESIS_BAD_SUBMISSION',
);
reject(
  'draft-hash-uppercase',
  'the draft hash in uppercase hex',
  [{ ...s0, draftHash: DRAFT_HASH.toUpperCase() }],
  'GENESIS_BAD_SUBMISSION',
);
reject(
  'shape-before-chain',
  'the first file is malformed, the second signed for another chain: the first file is reported',
  [text(s0).slice(0, 50), submission(k1, 30n, 'v1', funded.address, 'babychain-other')],
  'GENESIS_BAD_SUBMISSION',
);
reject(
  'other-chain',
  'signed (validly) for chain "babychain-other"',
  [s0, submission(k1, 30n, 'v1', funded.address, 'babychain-other')],
  'GENESIS_WRONG_CHAIN',
);
reject(
  'chain-before-draft',
  'another chain and another draft: the chain is checked first',
  [submission(k1, 30n, 'v1', funded.address, 'babychain-other', hashOf([], 1n))],
  'GENESIS_WRONG_CHAIN',
);
reject(
  'other-draft',
  'made against a draft with another genesis time',
  [submission(k0, 10n, 'v0', k0.address, CHAIN, hashOf([], 1_795_400_000_001n))],
  'GENESIS_WRONG_DRAFT',
);
const shortKey = { ...s0, validator: { ...s0.validator, publicKey: s0.validator.publicKey.slice(2) } };
reject('key-31-bytes', 'a 31-byte public key', [shortKey], 'GENESIS_BAD_VALIDATOR_KEY');
reject(
  'key-before-power',
  'a 31-byte key and power 0: the key is checked first',
  [{ ...shortKey, validator: { ...shortKey.validator, power: '0' } }],
  'GENESIS_BAD_VALIDATOR_KEY',
);
reject('zero-power', 'power 0, validly signed', [submission(k0, 0n, 'v0')], 'GENESIS_ZERO_POWER');
reject(
  'power-overflow',
  'power 2^60 + 1, validly signed: over GEN-4 total on its own',
  [submission(k0, (1n << 60n) + 1n, 'v0')],
  'GENESIS_POWER_OVERFLOW',
);
reject(
  'operator-prefix',
  'the operator under prefix "cosmos", validly signed',
  [submission(k0, 10n, 'v0', k0.address, CHAIN, DRAFT_HASH, 'cosmos')],
  'CRYPTO_WRONG_ADDRESS_PREFIX',
);
reject(
  'power-edited',
  'power raised from 10 to 1000 after signing',
  [{ ...s0, validator: { ...s0.validator, power: '1000' } }],
  'VAL_BAD_POSSESSION',
);
reject(
  'name-edited',
  'name changed after signing',
  [{ ...s0, validator: { ...s0.validator, name: 'v0-renamed' } }],
  'VAL_BAD_POSSESSION',
);
reject(
  'operator-swapped',
  'the operator replaced by another account after signing',
  [{ ...s0, validator: { ...s0.validator, operator: encodeAddress(funded.address) } }],
  'VAL_BAD_POSSESSION',
);
reject(
  'proof-of-other-key',
  "v3's key named with v0's proof: whoever submitted it does not hold v3's key",
  [{ ...s3, possession: s0.possession }],
  'VAL_BAD_POSSESSION',
);
reject('twice', 'the same submission given twice', [s0, s1, s0], 'GENESIS_DUPLICATE_VALIDATOR');
reject(
  'shared-operator',
  'two keys, each validly signed, naming one operator',
  [s1, submission(k2, 5n, 'v2', funded.address)],
  'GENESIS_DUPLICATE_OPERATOR',
);
reject(
  'total-overflow',
  'two powers of 2^59 + 1 each: each alone is fine, the total exceeds 2^60',
  [submission(k0, (1n << 59n) + 1n, 'v0'), submission(k2, (1n << 59n) + 1n, 'v2')],
  'GENESIS_POWER_OVERFLOW',
);
