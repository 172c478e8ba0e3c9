/**
 * Addresses (specs/addresses.md, ADDR-1 to ADDR-5): 20 bytes derived from a key, shown as bech32m text.
 */

import { sha256, toHex } from '@babychain/codec';
import { bech32, bech32m } from '@scure/base';
import { PUBLIC_KEY_LENGTH, partyKeyProblem } from './ed25519-portable.ts';
import { cryptoError } from './errors.ts';

export const ADDRESS_LENGTH = 20;
export const DEFAULT_ADDRESS_PREFIX = 'baby';
export const MAX_MULTISIG_KEYS = 16;

const SINGLE_KEY_TAG = Uint8Array.of(0x00);
const MULTISIG_TAG = Uint8Array.of(0x01);

function checkPublicKey(publicKey: Uint8Array, index?: number): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw cryptoError('SIG_BAD_LENGTH', `a public key is ${PUBLIC_KEY_LENGTH} bytes`, {
      length: publicKey instanceof Uint8Array ? publicKey.length : null,
      ...(index === undefined ? {} : { index }),
    });
  }
}

/** ADDR-1: the first 20 bytes of SHA-256(0x00 || A). */
export function addressFromPublicKey(publicKey: Uint8Array): Uint8Array {
  checkPublicKey(publicKey);
  return sha256(SINGLE_KEY_TAG, publicKey).slice(0, ADDRESS_LENGTH);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Member keys that passed SIG-9, so that a multisig account's transactions pay for its check once. */
const partyKeys = new Set<string>();
const MAX_PARTY_KEYS = 4096;

/** SIG-9 for member `index` of a multisig key, remembered once it passes. */
function checkPartyKey(key: Uint8Array, index: number): void {
  const h = toHex(key);
  if (partyKeys.has(h)) return;
  const problem = partyKeyProblem(key);
  if (problem !== undefined) {
    throw cryptoError(problem, `multisig member key ${index} cannot stand for one party (${problem}, SIG-9)`, {
      publicKey: h,
      index,
    });
  }
  if (partyKeys.size >= MAX_PARTY_KEYS) partyKeys.clear();
  partyKeys.add(h);
}

/**
 * ADDR-3 as the protocol checks it, in this order: 1..16 keys (none: CRYPTO_MULTISIG_BAD_THRESHOLD, more than 16:
 * CRYPTO_MULTISIG_TOO_MANY_KEYS); each key 32 bytes (SIG_BAD_LENGTH); no key twice anywhere in the list
 * (CRYPTO_MULTISIG_DUPLICATE_KEY); strictly ascending bytewise (CRYPTO_MULTISIG_UNSORTED); threshold an integer
 * with 1 <= threshold <= number of keys (CRYPTO_MULTISIG_BAD_THRESHOLD); then each key, in order, a party key
 * (SIG-9: SIG_NON_CANONICAL_KEY, SIG_SMALL_ORDER_KEY, SIG_MIXED_ORDER_KEY). The keys are not sorted for the caller.
 */
export function validateMultisigKey(threshold: number, publicKeys: readonly Uint8Array[]): void {
  const n = publicKeys.length;
  if (n === 0) throw cryptoError('CRYPTO_MULTISIG_BAD_THRESHOLD', 'a multisig key needs at least one public key');
  if (n > MAX_MULTISIG_KEYS) {
    throw cryptoError(
      'CRYPTO_MULTISIG_TOO_MANY_KEYS',
      `a multisig key has at most ${MAX_MULTISIG_KEYS} public keys, got ${n}`,
      { count: n, max: MAX_MULTISIG_KEYS },
    );
  }
  publicKeys.forEach((key, index) => {
    checkPublicKey(key, index);
  });
  const seen = new Set<string>();
  publicKeys.forEach((key, index) => {
    const h = toHex(key);
    if (seen.has(h)) {
      throw cryptoError('CRYPTO_MULTISIG_DUPLICATE_KEY', `public key ${h} appears twice in the multisig key`, {
        publicKey: h,
        index,
      });
    }
    seen.add(h);
  });
  for (let i = 1; i < n; i++) {
    if (compareBytes(publicKeys[i - 1] as Uint8Array, publicKeys[i] as Uint8Array) > 0) {
      throw cryptoError('CRYPTO_MULTISIG_UNSORTED', 'multisig public keys must be in ascending bytewise order', {
        index: i,
      });
    }
  }
  if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > n) {
    throw cryptoError('CRYPTO_MULTISIG_BAD_THRESHOLD', `the threshold must be an integer from 1 to ${n}`, {
      threshold,
      keys: n,
    });
  }
  publicKeys.forEach(checkPartyKey);
}

/**
 * For tools taking keys from a user: a sorted copy of `publicKeys` (ascending bytewise), so one key set has one
 * address. Rejects a key given twice (CRYPTO_MULTISIG_DUPLICATE_KEY) and a key that is not 32 bytes.
 */
export function sortMultisigKeys(publicKeys: readonly Uint8Array[]): Uint8Array[] {
  publicKeys.forEach((key, index) => {
    checkPublicKey(key, index);
  });
  const sorted = [...publicKeys].sort(compareBytes);
  for (let i = 1; i < sorted.length; i++) {
    if (compareBytes(sorted[i - 1] as Uint8Array, sorted[i] as Uint8Array) === 0) {
      const h = toHex(sorted[i] as Uint8Array);
      throw cryptoError('CRYPTO_MULTISIG_DUPLICATE_KEY', `public key ${h} is given twice`, { publicKey: h });
    }
  }
  return sorted;
}

/** ADDR-4: first 20 bytes of SHA-256(0x01 || threshold as u32 big-endian || A_1 || ... || A_n). Validates ADDR-3. */
export function multisigAddress(threshold: number, publicKeys: readonly Uint8Array[]): Uint8Array {
  validateMultisigKey(threshold, publicKeys);
  const t = new Uint8Array(4);
  new DataView(t.buffer).setUint32(0, threshold, false);
  return sha256(MULTISIG_TAG, t, ...publicKeys).slice(0, ADDRESS_LENGTH);
}

/** A human-readable prefix as bech32 allows it, lower case (ADDR-5). */
function checkPrefix(prefix: string): void {
  // bech32: 1..83 characters in US-ASCII 33..126; ours are lower case, and short enough that 20 bytes fit in 90.
  if (typeof prefix !== 'string' || !/^[\x21-\x40\x5b-\x7e]{1,50}$/.test(prefix)) {
    throw cryptoError('CRYPTO_BAD_ADDRESS', `invalid address prefix ${JSON.stringify(prefix)}`, { prefix });
  }
}

/** ADDR-5: bech32m text of 20 address bytes with the chain's prefix. */
export function encodeAddress(bytes: Uint8Array, prefix: string = DEFAULT_ADDRESS_PREFIX): string {
  checkPrefix(prefix);
  if (!(bytes instanceof Uint8Array) || bytes.length !== ADDRESS_LENGTH) {
    throw cryptoError('CRYPTO_BAD_ADDRESS', `an address is ${ADDRESS_LENGTH} bytes`, {
      length: bytes instanceof Uint8Array ? bytes.length : null,
    });
  }
  return bech32m.encode(prefix, bech32m.toWords(bytes));
}

/**
 * ADDR-5: the 20 bytes of a bech32m address. Rejects (CRYPTO_BAD_ADDRESS) a bad checksum, a plain bech32 checksum,
 * mixed case, characters outside the bech32 set, non-zero padding, and a payload that is not 20 bytes; then a valid
 * address whose prefix is not `expectedPrefix` (CRYPTO_WRONG_ADDRESS_PREFIX). An all-upper-case address is the same
 * address (BIP 173/350 allow it, e.g. for QR codes).
 */
export function decodeAddress(text: string, expectedPrefix: string = DEFAULT_ADDRESS_PREFIX): Uint8Array {
  checkPrefix(expectedPrefix);
  if (typeof text !== 'string') throw cryptoError('CRYPTO_BAD_ADDRESS', 'an address is a string');
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(text as `${string}1${string}`, 90);
  } catch (err) {
    const isBech32 = bech32.decodeUnsafe(text, 90) !== undefined;
    const reason = isBech32
      ? 'it has a bech32 (BIP 173) checksum; addresses use bech32m (BIP 350)'
      : err instanceof Error
        ? err.message
        : String(err);
    throw cryptoError('CRYPTO_BAD_ADDRESS', `not a valid address: ${reason}`, { address: text }, err);
  }
  let bytes: Uint8Array;
  try {
    bytes = bech32m.fromWords(decoded.words);
  } catch (err) {
    throw cryptoError('CRYPTO_BAD_ADDRESS', 'not a valid address: bad padding', { address: text }, err);
  }
  if (bytes.length !== ADDRESS_LENGTH) {
    throw cryptoError('CRYPTO_BAD_ADDRESS', `an address holds ${ADDRESS_LENGTH} bytes, this one ${bytes.length}`, {
      address: text,
      length: bytes.length,
    });
  }
  if (decoded.prefix !== expectedPrefix) {
    throw cryptoError(
      'CRYPTO_WRONG_ADDRESS_PREFIX',
      `address prefix is "${decoded.prefix}", this chain uses "${expectedPrefix}"`,
      { address: text, prefix: decoded.prefix, expectedPrefix },
    );
  }
  return Uint8Array.from(bytes);
}
