// Writes test-vectors/validators/*.json (specs/validators.md). Proofs of possession are signed here from the
// protocol's pieces (the PossessionSignDoc encoding and ed25519), not with packages/upgrade, and each must-reject
// case names its one defect, so a wrong implementation cannot agree with itself.
// Run: node test-vectors/validators/generate.ts. Never rerun to make a failing test pass: find which side is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode, sha256, toHex } from '@babychain/codec';
import { addressFromPublicKey, publicKeyFromSeed, sign } from '@babychain/crypto';
import { collectCases } from './ceremony.ts';

const CHAIN = 'babychain-vectors-1';
const seedOf = (n: number) => sha256(new TextEncoder().encode(`babychain validator vector key ${n}`));
const key = (n: number) => {
  const seed = seedOf(n);
  const publicKey = publicKeyFromSeed(seed);
  return { seed, publicKey, address: addressFromPublicKey(publicKey) };
};
const [v0, v1, operator] = [key(0), key(1), key(2)] as const;

interface Case {
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

// --- write ----------------------------------------------------------------------------------------------------------
function write(name: string, runner: string, description: string, cases: Case[]) {
  writeFileSync(join(import.meta.dirname, name), `${JSON.stringify({ runner, description, cases }, null, 2)}\n`);
  console.log(
    `wrote ${cases.length} ${runner} cases (${cases.filter((c) => c.expected['ok'] === false).length} must-reject)`,
  );
}
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
