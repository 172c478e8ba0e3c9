/**
 * Ed25519 keys, signing, and verification under Babychain's pinned policy (specs/signatures.md, SIG-1 to SIG-8).
 *
 * Two verification paths that must give the same outcome, failure code included, on every input:
 *
 * - `verifyReferenceDetailed`: the policy written out literally with @noble/curves point arithmetic and bigints.
 *   It does not use noble's `verify()` (whose options pick a different policy); the equation is ours.
 * - `verifyFastDetailed`: byte-level prechecks for SIG-3 to SIG-6, then OpenSSL through `node:crypto` for SIG-7.
 *
 * What OpenSSL does by itself (Node 24.21.0, OpenSSL 3.5.8), measured by `src/bench/measure-policy.ts` on inputs
 * that satisfy a lax reading of the equation (reduced y, point comparison) but break one rule of ours:
 *
 * | rule broken                                      | OpenSSL alone | noble verify zip215 | noble verify strict |
 * | ------------------------------------------------ | ------------- | ------------------- | ------------------- |
 * | SIG-4 S + L (same point)                         | rejects       | rejects             | rejects             |
 * | SIG-5 non-canonical R (identity as y=p+1, x=0+sign) | rejects    | accepts             | rejects             |
 * | SIG-5 non-canonical A (identity as y=p+1, x=0+sign) | rejects    | accepts             | rejects             |
 * | SIG-5 A not on the curve                         | rejects       | rejects             | rejects             |
 * | SIG-6 small-order A (R mixed)                    | rejects       | accepts             | rejects             |
 * | SIG-6 small-order R (identity, or order 8)       | rejects       | accepts             | accepts             |
 * | SIG-7 cofactored-only equation (mixed A)         | rejects       | accepts             | accepts             |
 * | mixed-order A, cofactorless equation holds       | accepts       | accepts             | accepts             |
 *
 * So OpenSSL 3.5 already applies every check of the policy; non-canonical R fails there by construction (it
 * compares the canonical encoding of [S]B - [k]A with the R bytes). A non-canonical A we can build is always also
 * small-order, so we cannot tell which of its checks rejects it. The prechecks stay anyway: they make the outcome the
 * policy's whatever OpenSSL Node links against (OpenSSL 3.0 accepted small-order A and R and the non-canonical A of
 * Taming case 11, per the ed25519-speccheck results table), and they produce the failure code, since OpenSSL only
 * says false. When OpenSSL rejects an input that passed the prechecks, the code is SIG_NON_CANONICAL_KEY if A does
 * not decode to a curve point (SIG-5, checked with noble only on that failure path), else SIG_MISMATCH.
 *
 * The constants, the reference path and noble signing live in `ed25519-portable.ts` (no `node:` imports, for the
 * browser entry); this module re-exports them, so its public names are unchanged.
 */
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
  randomBytes,
} from 'node:crypto';
import {
  checkSeed,
  decodePoint,
  type Ed25519KeyPair,
  fail,
  isBytes,
  OK,
  PUBLIC_KEY_LENGTH,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
  type VerifyResult,
} from './ed25519-portable.ts';
import { cryptoError, type SignatureFailure } from './errors.ts';

// The node-free part of this module: the reference path, constants and types (ed25519-portable.ts).
export {
  type Ed25519KeyPair,
  L,
  P,
  PUBLIC_KEY_LENGTH,
  partyKeyProblem,
  publicKeyProblem,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
  type VerifyResult,
  verifyReference,
  verifyReferenceDetailed,
} from './ed25519-portable.ts';

// ---------------------------------------------------------------------------------------------------------------
// Fast path: byte comparisons, then OpenSSL.
// ---------------------------------------------------------------------------------------------------------------

/** L as 32 little-endian bytes. */
const L_BYTES = Uint8Array.from(Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex'));

/** SIG-4 on bytes: the 32 bytes at `offset`, read little-endian, are < L. */
function isScalarCanonical(bytes: Uint8Array, offset: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = bytes[offset + i] ?? 0;
    const b = L_BYTES[i] ?? 0;
    if (a < b) return true;
    if (a > b) return false;
  }
  return false; // equal to L
}

/**
 * SIG-5 on bytes. With the sign bit masked off, y >= p means bytes 1..30 are 0xff, byte 31 is 0x7f and byte 0 is
 * >= 0xed. x = 0 happens for y = 1 (01 00 .. 00) and y = p - 1 (ec ff .. ff 7f); with the sign bit set these are
 * the two non-canonical spellings 01 00 .. 00 80 and ec ff .. ff ff.
 */
function isEncodingCanonical(bytes: Uint8Array, offset: number): boolean {
  const last = bytes[offset + 31] ?? 0;
  const first = bytes[offset] ?? 0;
  let middleAllFf = true;
  let middleAllZero = true;
  for (let i = 1; i < 31; i++) {
    const b = bytes[offset + i] ?? 0;
    if (b !== 0xff) middleAllFf = false;
    if (b !== 0) middleAllZero = false;
  }
  const top = last & 0x7f;
  const sign = (last & 0x80) !== 0;
  if (middleAllFf && top === 0x7f && first >= 0xed) return false; // y >= p
  if (sign && middleAllZero && top === 0 && first === 0x01) return false; // y = 1, x = 0, sign set
  if (sign && middleAllFf && top === 0x7f && first === 0xec) return false; // y = p - 1, x = 0, sign set
  return true;
}

/**
 * The canonical encodings of the 8 points of order dividing 8 (SIG-6). The other spellings of these points are
 * non-canonical and were already rejected by SIG-5, so comparing against these 8 is complete.
 */
export const SMALL_ORDER_ENCODINGS: readonly string[] = Object.freeze([
  '0100000000000000000000000000000000000000000000000000000000000000', // identity (order 1)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // (0, -1), order 2
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
]);
const SMALL_ORDER_BYTES = SMALL_ORDER_ENCODINGS.map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

function isSmallOrderEncoding(bytes: Uint8Array, offset: number): boolean {
  outer: for (const candidate of SMALL_ORDER_BYTES) {
    for (let i = 0; i < 32; i++) if (bytes[offset + i] !== candidate[i]) continue outer;
    return true;
  }
  return false;
}

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * OpenSSL public key objects by key: creating one costs about as much as a verify. Emptied when full, as the verify
 * workers' copy is: reordering on every hit and evicting one oldest entry per miss walked V8's deleted Map entries.
 */
class KeyObjectCache {
  readonly #max: number;
  readonly #map = new Map<string, KeyObject>();

  constructor(max: number) {
    this.#max = max;
  }

  get(publicKey: Uint8Array): KeyObject {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1');
    const hit = this.#map.get(id);
    if (hit !== undefined) return hit;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (this.#map.size >= this.#max) this.#map.clear();
    this.#map.set(id, key);
    return key;
  }
}

const keyCache = new KeyObjectCache(4096);

/** SIG-5 "A decodes to a curve point", needed only to name a failure: OpenSSL just says false. */
function keyIsOffCurve(publicKey: Uint8Array): boolean {
  return decodePoint(publicKey) === undefined;
}

/** A failure found after SIG-5's key checks reports SIG_NON_CANONICAL_KEY first if A is off the curve (SIG-8). */
function failAfterKeyCheck(publicKey: Uint8Array, reason: SignatureFailure): VerifyResult {
  return keyIsOffCurve(publicKey) ? fail('SIG_NON_CANONICAL_KEY') : fail(reason);
}

/**
 * SIG-3 to SIG-6 as byte comparisons: the failure, or undefined when only SIG-7 (the equation, OpenSSL's) remains.
 * Cheap (no curve arithmetic unless it fails), so a verifier pool runs it before handing the equation to a worker.
 */
export function precheckSignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): VerifyResult | undefined {
  if (!isBytes(publicKey) || !isBytes(signature) || !isBytes(message)) return fail('SIG_BAD_LENGTH');
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return fail('SIG_BAD_LENGTH');
  if (!isScalarCanonical(signature, 32)) return fail('SIG_NON_CANONICAL_S');
  if (!isEncodingCanonical(publicKey, 0)) return fail('SIG_NON_CANONICAL_KEY');
  if (!isEncodingCanonical(signature, 0)) return failAfterKeyCheck(publicKey, 'SIG_NON_CANONICAL_R');
  if (isSmallOrderEncoding(publicKey, 0)) return fail('SIG_SMALL_ORDER_KEY'); // these 8 are on the curve
  if (isSmallOrderEncoding(signature, 0)) return failAfterKeyCheck(publicKey, 'SIG_SMALL_ORDER_R');
  return undefined;
}

/** The outcome once OpenSSL said `equationHolds` for an input that passed `precheckSignature`. */
export function equationOutcome(publicKey: Uint8Array, equationHolds: boolean): VerifyResult {
  return equationHolds ? OK : failAfterKeyCheck(publicKey, 'SIG_MISMATCH');
}

/** SIG-3 to SIG-6 as byte comparisons, then OpenSSL for SIG-7. Same outcome and code as the reference path. */
export function verifyFastDetailed(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): VerifyResult {
  const early = precheckSignature(publicKey, message, signature);
  if (early !== undefined) return early;
  let ok: boolean;
  try {
    ok = nodeVerify(null, message, keyCache.get(publicKey), signature);
  } catch {
    ok = false;
  }
  return equationOutcome(publicKey, ok);
}

export function verifyFast(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return verifyFastDetailed(publicKey, message, signature).ok;
}

/** Verifies under the policy (fast path). */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return verifyFastDetailed(publicKey, message, signature).ok;
}

/** Verifies under the policy (fast path) and reports the first failed rule. */
export function verifyDetailed(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): VerifyResult {
  return verifyFastDetailed(publicKey, message, signature);
}

/** Throws a BabyError whose code is the SIG-8 failure code when the signature is not valid. */
export function assertValidSignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  const result = verifyFastDetailed(publicKey, message, signature);
  if (!result.ok) {
    throw cryptoError(result.reason, `invalid signature: ${result.reason}`, {
      publicKey: Buffer.from(publicKey).toString('hex'),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and signing (SIG-1, SIG-2).
// ---------------------------------------------------------------------------------------------------------------

function privateKeyObject(seed: Uint8Array): KeyObject {
  checkSeed(seed);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key of a 32-byte seed (RFC 8032 §5.1.5). */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(SPKI_PREFIX.length));
}

/** A deterministic RFC 8032 §5.1.6 signature (64 bytes) over `message`. */
export function sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return Uint8Array.from(nodeSign(null, message, privateKeyObject(seed)));
}

/** A fresh key pair from the operating system's CSPRNG. */
export function generateKeyPair(): Ed25519KeyPair {
  const seed = Uint8Array.from(randomBytes(SEED_LENGTH));
  return { seed, publicKey: publicKeyFromSeed(seed) };
}
