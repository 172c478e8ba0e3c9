// SIG-9: keys that count as parties (release signers, multisig members) lie in the prime-order subgroup.

import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { multisigAddress } from './address.ts';
import { L, partyKeyProblem, publicKeyFromSeed, SMALL_ORDER_ENCODINGS, verifyDetailed } from './ed25519.ts';

const Point = ed25519.Point;
const ORDER_8 = Point.fromHex(SMALL_ORDER_ENCODINGS[4] as string);
const seed = new Uint8Array(32).fill(11);
const A = publicKeyFromSeed(seed);
const twin = Point.fromBytes(A).add(ORDER_8).toBytes();

/**
 * Signs `message` as `twin` = A + T with A's secret: R = [r]B, k = H(R || twin || M) mod L, S = r + k·a. Then
 * [S]B - [k]twin = R - [k]T, which is R when 8 divides k; one nonce in eight gives that.
 */
function signAsTwin(message: Uint8Array): Uint8Array {
  const { scalar } = ed25519.utils.getExtendedPublicKey(seed);
  for (let r = 1n; ; r++) {
    const R = Point.BASE.multiply(r).toBytes();
    const k = bytesToNumberLE(sha512(concatBytes(R, twin, message))) % L;
    if (k % 8n !== 0n) continue;
    return concatBytes(R, numberToBytesLE((r + k * scalar) % L, 32));
  }
}

describe('partyKeyProblem (SIG-9)', () => {
  it('SIG-9: lets one secret sign as a key and as that key plus a torsion point, which is why the rule exists', () => {
    const message = new TextEncoder().encode('release 2.0.0 of plan v2');
    // Both verify under the cofactorless equation (SIG-7): without SIG-9 they are two signers held by one secret.
    expect(verifyDetailed(twin, message, signAsTwin(message))).toEqual({ ok: true });
    expect(partyKeyProblem(A)).toBeUndefined();
    expect(partyKeyProblem(twin)).toBe('SIG_MIXED_ORDER_KEY');
  });

  it('SIG-9: checks the length, then SIG-5, then SIG-6, then the subgroup', () => {
    expect(partyKeyProblem(A.subarray(0, 31))).toBe('SIG_BAD_LENGTH');
    expect(partyKeyProblem(Uint8Array.from(Buffer.from(`ed${'ff'.repeat(30)}7f`, 'hex')))).toBe(
      'SIG_NON_CANONICAL_KEY',
    );
    for (const small of SMALL_ORDER_ENCODINGS) {
      expect(partyKeyProblem(Uint8Array.from(Buffer.from(small, 'hex'))), small).toBe('SIG_SMALL_ORDER_KEY');
    }
  });

  it('ADDR-3: refuses a multisig key holding a key and its torsion twin, after the structural checks', () => {
    const keys = [A, twin].sort(Buffer.compare);
    expect(() => multisigAddress(2, keys)).toThrow(expect.objectContaining({ code: 'SIG_MIXED_ORDER_KEY' }));
    expect(() => multisigAddress(3, keys)).toThrow(expect.objectContaining({ code: 'CRYPTO_MULTISIG_BAD_THRESHOLD' }));
    expect(multisigAddress(1, [A])).toHaveLength(20);
  });
});
