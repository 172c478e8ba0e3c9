// The hashes of STATE-8..STATE-10 and the bit numbering of keys. Pure functions, no storage.
import type { Account } from '@babychain/codec';
import { encode, sha256 } from '@babychain/codec';

/** STATE-9: the hash of a subtree without accounts, 32 zero bytes. */
export const EMPTY_HASH: Uint8Array = new Uint8Array(32);

/** Bytes of a key, of a hash, of a value hash. */
export const HASH_BYTES = 32;
/** Bits of a key (STATE-8), and so the greatest depth of a node and the most siblings a proof may have. */
export const KEY_BITS = 256;

/** First byte of a leaf's preimage (STATE-8) and of an inner node's (STATE-10). */
export const LEAF_TAG = 0x00;
export const INNER_TAG = 0x01;

/** STATE-8: an account's key, `SHA-256(address)`. */
export function accountKey(address: Uint8Array): Uint8Array {
  return sha256(address);
}

/** STATE-8: `SHA-256(canonical encoding of Account)`. Throws CODEC_INVALID_VALUE for a value out of uint64 range. */
export function valueHash(account: Account): Uint8Array {
  return sha256(encode('babychain.v0.Account', { balance: account.balance, nonce: account.nonce }));
}

/** The 65-byte preimage of a leaf, `0x00 || key || valueHash`; the tree stores leaves in exactly this form. */
export function leafNode(key: Uint8Array, vh: Uint8Array): Uint8Array {
  return taggedPair(LEAF_TAG, key, vh);
}

/** The 65-byte preimage of an inner node, `0x01 || left || right`; the tree stores inner nodes in this form. */
export function innerNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  return taggedPair(INNER_TAG, left, right);
}

function taggedPair(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const node = new Uint8Array(1 + 2 * HASH_BYTES);
  node[0] = tag;
  node.set(a, 1);
  node.set(b, 1 + HASH_BYTES);
  return node;
}

/** STATE-8: `SHA-256(0x00 || key || valueHash)`. */
export function leafHash(key: Uint8Array, vh: Uint8Array): Uint8Array {
  return sha256(leafNode(key, vh));
}

/** STATE-10: `SHA-256(0x01 || left || right)`. */
export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(innerNode(left, right));
}

/** STATE-8: bit `i` of `key`, numbered from the most significant bit of byte 0. */
export function bitAt(key: Uint8Array, i: number): 0 | 1 {
  return (((key[i >>> 3] ?? 0) >>> (7 - (i & 7))) & 1) as 0 | 1;
}

/** True when `a` and `b` have the same first `bits` bits. */
export function sharePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >>> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((a[whole] ?? 0) ^ (b[whole] ?? 0)) & mask) === 0;
}

/** True for 32 zero bytes. */
export function isEmptyHash(h: Uint8Array): boolean {
  if (h.length !== HASH_BYTES) return false;
  for (let i = 0; i < HASH_BYTES; i++) if (h[i] !== 0) return false;
  return true;
}
