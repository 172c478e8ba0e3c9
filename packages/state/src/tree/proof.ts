// STATE-11: checking a StateProof against a state root. Every check that fails throws STATE_BAD_PROOF with a
// `reason` in meta; nothing is accepted that the spec does not describe.
import type { Account, MetaOf, StateProof } from '@babychain/codec';
import { BabyError, bytesEqual, sha256 } from '@babychain/codec';
import { StateErrorCode } from '../errors.ts';
import {
  bitAt,
  EMPTY_HASH,
  HASH_BYTES,
  innerNode,
  isEmptyHash,
  KEY_BITS,
  leafHash,
  sharePrefix,
  valueHash,
} from './hash.ts';

function bad(
  reason: string,
  extra: MetaOf<typeof StateErrorCode.BAD_PROOF> = {},
): BabyError<typeof StateErrorCode.BAD_PROOF> {
  return new BabyError(StateErrorCode.BAD_PROOF, `state proof rejected: ${reason}`, {
    rule: 'STATE-11',
    reason,
    ...extra,
  });
}

/**
 * Checks that `proof` shows `account` to be the account of `address` in the state with root `root` (inclusion),
 * or, with `account` null, that the address has no account there (exclusion). Returns nothing; throws BabyError
 * STATE_BAD_PROOF with `meta.reason` otherwise.
 *
 * Beyond the letter of STATE-11 it also refuses, as non-canonical: a sibling of 32 zero bytes (an EMPTY sibling is
 * written as empty bytes), an `other_value_hash` without an `other_key`, and any `other_*` field on an inclusion.
 */
/** STATE-1: accounts are keyed by 20-byte addresses (ADDR-1, ADDR-4). */
const ADDRESS_BYTES = 20;

export function verifyStateProof(
  root: Uint8Array,
  address: Uint8Array,
  account: Account | null,
  proof: StateProof,
): void {
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES) throw bad('root is not 32 bytes');
  if (!(address instanceof Uint8Array) || address.length !== ADDRESS_BYTES) throw bad('address is not 20 bytes');
  const key = proof.key;
  if (!(key instanceof Uint8Array) || key.length !== HASH_BYTES) throw bad('key is not 32 bytes');
  if (!bytesEqual(key, sha256(address))) throw bad('key is not SHA-256(address)');
  const siblings = proof.siblings;
  if (!Array.isArray(siblings)) throw bad('siblings is not a list');
  if (siblings.length > KEY_BITS) throw bad(`more than ${KEY_BITS} siblings`, { siblings: siblings.length });
  for (let i = 0; i < siblings.length; i++) {
    const s = siblings[i];
    if (!(s instanceof Uint8Array) || (s.length !== 0 && s.length !== HASH_BYTES)) {
      throw bad('a sibling is neither empty nor 32 bytes', { index: i });
    }
    if (isEmptyHash(s)) throw bad('an EMPTY sibling is not written as empty bytes', { index: i });
  }
  const otherKey = proof.otherKey;
  const otherValueHash = proof.otherValueHash;
  const depth = siblings.length;

  let h: Uint8Array;
  if (account !== null) {
    if (otherKey.length !== 0 || otherValueHash.length !== 0) throw bad('an inclusion proof carries other_key');
    let vh: Uint8Array;
    try {
      vh = valueHash(account);
    } catch (err) {
      throw bad('the account has no canonical encoding', { cause: err });
    }
    h = leafHash(key, vh);
  } else if (otherKey.length === 0) {
    if (otherValueHash.length !== 0) throw bad('other_value_hash without other_key');
    h = EMPTY_HASH;
  } else {
    if (otherKey.length !== HASH_BYTES) throw bad('other_key is not 32 bytes');
    if (otherValueHash.length !== HASH_BYTES) throw bad('other_value_hash is not 32 bytes');
    if (bytesEqual(otherKey, key)) throw bad('other_key equals the key');
    if (!sharePrefix(otherKey, key, depth)) throw bad(`other_key does not share the first ${depth} bits of the key`);
    h = leafHash(otherKey, otherValueHash);
  }

  for (let i = depth - 1; i >= 0; i--) {
    const s = siblings[i] as Uint8Array;
    const sibling = s.length === 0 ? EMPTY_HASH : s;
    h = sha256(bitAt(key, i) === 0 ? innerNode(h, sibling) : innerNode(sibling, h));
  }
  if (!bytesEqual(h, root)) throw bad('the path does not hash to the root');
}
