/**
 * The part of Ed25519 that runs anywhere JavaScript does (no `node:` modules): constants, the verification policy
 * as arithmetic on @noble/curves points (the reference path), and RFC 8032 key derivation and signing with noble.
 * `ed25519.ts` adds the OpenSSL fast path on top for Node; `browser.ts` exposes this file alone. Both sign to the
 * same bytes (RFC 8032 signatures are deterministic), which `browser.test.ts` checks.
 */
import { toHex } from '@babychain/codec';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { cryptoError, type PartyKeyFailure, type SignatureFailure } from './errors.ts';

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const SEED_LENGTH = 32;

/** The order of the prime subgroup: 2^252 + 27742317777372353535851937790883648493. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The field prime 2^255 - 19. */
export const P = 2n ** 255n - 19n;

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

export interface Ed25519KeyPair {
  /** The 32-byte secret seed (RFC 8032 §5.1.5 "private key"). */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

export const OK: VerifyResult = Object.freeze({ ok: true });
const failures = new Map<SignatureFailure, VerifyResult>();
export function fail(reason: SignatureFailure): VerifyResult {
  let result = failures.get(reason);
  if (result === undefined) {
    result = Object.freeze({ ok: false, reason });
    failures.set(reason, result);
  }
  return result;
}

/** Untyped callers (JSON, RPC) may pass anything: they get SIG_BAD_LENGTH, not a TypeError. */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

type Point = ReturnType<typeof ed25519.Point.fromBytes>;
const Point = ed25519.Point;

// ---------------------------------------------------------------------------------------------------------------
// Reference path: the rules as arithmetic.
// ---------------------------------------------------------------------------------------------------------------

/** The `y` coordinate of a point encoding as an integer (top bit cleared), and the sign bit of `x`. */
function splitEncoding(bytes: Uint8Array): { y: bigint; sign: boolean } {
  const last = bytes[31] ?? 0;
  const copy = Uint8Array.from(bytes);
  copy[31] = last & 0x7f;
  return { y: bytesToNumberLE(copy), sign: (last & 0x80) !== 0 };
}

/** SIG-5 by arithmetic: y < p, and not (x = 0 with the sign bit set). x = 0 exactly when y^2 = 1 mod p. */
function isCanonicalEncodingRef(bytes: Uint8Array): boolean {
  const { y, sign } = splitEncoding(bytes);
  if (y >= P) return false;
  const xIsZero = (y * y) % P === 1n;
  return !(xIsZero && sign);
}

/** Decodes a canonical encoding; undefined when it is not on the curve. */
export function decodePoint(bytes: Uint8Array): Point | undefined {
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return undefined;
  }
}

/**
 * SIG-3 to SIG-8 evaluated literally: lengths, S < L, canonical A (decoding to a curve point) then canonical R,
 * small-order A then R (by multiplying by the cofactor), and the cofactorless equation by encoding.
 */
export function verifyReferenceDetailed(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): VerifyResult {
  if (!isBytes(publicKey) || !isBytes(signature) || !isBytes(message)) return fail('SIG_BAD_LENGTH');
  // SIG-3
  if (publicKey.length !== PUBLIC_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return fail('SIG_BAD_LENGTH');
  const rBytes = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32, 64));
  // SIG-4
  if (s >= L) return fail('SIG_NON_CANONICAL_S');
  // SIG-5: A canonical and on the curve, then R canonical.
  if (!isCanonicalEncodingRef(publicKey)) return fail('SIG_NON_CANONICAL_KEY');
  const A = decodePoint(publicKey);
  if (A === undefined) return fail('SIG_NON_CANONICAL_KEY');
  if (!isCanonicalEncodingRef(rBytes)) return fail('SIG_NON_CANONICAL_R');
  // SIG-6: order divides 8 exactly when [8]X is the identity.
  if (A.isSmallOrder()) return fail('SIG_SMALL_ORDER_KEY');
  const R = decodePoint(rBytes); // an R off the curve is not small-order; SIG-7 then fails on the bytes.
  if (R?.isSmallOrder()) return fail('SIG_SMALL_ORDER_R');
  // SIG-7: k = SHA-512(R || A || M) mod L; valid iff encode([S]B - [k]A) == R bytes (cofactorless).
  const k = bytesToNumberLE(sha512.create().update(rBytes).update(publicKey).update(message).digest()) % L;
  const check = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).toBytes();
  return bytesEqualConstantLength(check, rBytes) ? OK : fail('SIG_MISMATCH');
}

/** SIG-5 and SIG-6 for a public key alone (GEN-4, VAL-4): the failure a verifier would report for it, or undefined. */
export function publicKeyProblem(publicKey: Uint8Array): Exclude<PartyKeyFailure, 'SIG_MIXED_ORDER_KEY'> | undefined {
  if (!isBytes(publicKey) || publicKey.length !== PUBLIC_KEY_LENGTH) return 'SIG_BAD_LENGTH';
  if (!isCanonicalEncodingRef(publicKey)) return 'SIG_NON_CANONICAL_KEY';
  const A = decodePoint(publicKey);
  if (A === undefined) return 'SIG_NON_CANONICAL_KEY';
  return A.isSmallOrder() ? 'SIG_SMALL_ORDER_KEY' : undefined;
}

/**
 * SIG-9: whether `publicKey` can stand for one party (a release signer, a multisig member). Beyond SIG-5 and SIG-6 it
 * must lie in the prime-order subgroup, [L]A = identity: whoever holds A's secret can sign as A + T, T a torsion
 * point, for any message (one nonce in eight makes [k]T vanish), so A and A + T would count as two parties held by
 * one secret. The failure, or undefined. Costs a 253-bit scalar multiplication: callers on a hot path cache.
 */
export function partyKeyProblem(publicKey: Uint8Array): PartyKeyFailure | undefined {
  const problem = publicKeyProblem(publicKey);
  if (problem !== undefined) return problem;
  return (decodePoint(publicKey) as NonNullable<ReturnType<typeof decodePoint>>).isTorsionFree()
    ? undefined
    : 'SIG_MIXED_ORDER_KEY';
}

export function verifyReference(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return verifyReferenceDetailed(publicKey, message, signature).ok;
}

function bytesEqualConstantLength(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Throws a BabyError whose code is the SIG-8 failure code when the signature is not valid (reference path). */
export function assertValidSignatureReference(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  const result = verifyReferenceDetailed(publicKey, message, signature);
  if (!result.ok) {
    throw cryptoError(result.reason, `invalid signature: ${result.reason}`, {
      publicKey: isBytes(publicKey) ? toHex(publicKey) : null,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and signing with noble (SIG-1, SIG-2).
// ---------------------------------------------------------------------------------------------------------------

export function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw cryptoError('CRYPTO_BAD_SEED', `an ed25519 seed is ${SEED_LENGTH} bytes`, {
      length: seed instanceof Uint8Array ? seed.length : null,
    });
  }
}

/** The public key of a 32-byte seed (RFC 8032 §5.1.5), computed with noble. */
export function publicKeyFromSeedPortable(seed: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519.getPublicKey(seed);
}

/** A deterministic RFC 8032 §5.1.6 signature (64 bytes) over `message`, computed with noble. */
export function signPortable(seed: Uint8Array, message: Uint8Array): Uint8Array {
  checkSeed(seed);
  return ed25519.sign(message, seed);
}

/** A fresh key pair from the platform's CSPRNG (`crypto.getRandomValues`, in Node and browsers alike). */
export function generateKeyPairPortable(): Ed25519KeyPair {
  const seed = globalThis.crypto.getRandomValues(new Uint8Array(SEED_LENGTH));
  return { seed, publicKey: publicKeyFromSeedPortable(seed) };
}
