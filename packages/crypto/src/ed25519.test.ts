import { SeededRandom } from '@babychain/test-utils';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { h, hex } from './bytes.testutil.ts';
import {
  assertValidSignature,
  generateKeyPair,
  L,
  P,
  publicKeyFromSeed,
  SMALL_ORDER_ENCODINGS,
  sign,
  type VerifyResult,
  verify,
  verifyFastDetailed,
  verifyReference,
  verifyReferenceDetailed,
} from './ed25519.ts';

const Point = ed25519.Point;
const RFC1 = {
  seed: h('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
  pub: h('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  sig: h(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  ),
  msg: new Uint8Array(),
};

const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const le32 = (n: bigint): Uint8Array => numberToBytesLE(n, 32);
const outcome = (r: VerifyResult): string => (r.ok ? 'valid' : r.reason);

/** Runs both paths and requires the same outcome; returns it. */
function both(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): string {
  const reference = outcome(verifyReferenceDetailed(pub, msg, sig));
  const fast = outcome(verifyFastDetailed(pub, msg, sig));
  expect(fast, `pub ${hex(pub)} msg ${hex(msg)} sig ${hex(sig)}`).toBe(reference);
  return reference;
}

describe('ed25519 keys and signing', () => {
  it('derives the RFC 8032 public key and signature from a seed', () => {
    expect(hex(publicKeyFromSeed(RFC1.seed))).toBe(hex(RFC1.pub));
    expect(hex(sign(RFC1.seed, RFC1.msg))).toBe(hex(RFC1.sig));
  });

  it('signs deterministically and exactly as @noble/curves does', () => {
    const random = new SeededRandom(1);
    for (let i = 0; i < 40; i++) {
      const seed = random.bytes(32);
      const msg = random.bytes(i * 7);
      expect(hex(publicKeyFromSeed(seed))).toBe(hex(ed25519.getPublicKey(seed)));
      expect(hex(sign(seed, msg))).toBe(hex(ed25519.sign(msg, seed)));
      expect(hex(sign(seed, msg))).toBe(hex(sign(seed, msg)));
    }
  });

  it('generates fresh key pairs whose signatures verify', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(hex(a.seed)).not.toBe(hex(b.seed));
    expect(hex(a.publicKey)).toBe(hex(publicKeyFromSeed(a.seed)));
    const msg = new TextEncoder().encode('hello');
    expect(verify(a.publicKey, msg, sign(a.seed, msg))).toBe(true);
    expect(verify(b.publicKey, msg, sign(a.seed, msg))).toBe(false);
  });

  it('refuses a seed that is not 32 bytes', () => {
    expect(() => sign(new Uint8Array(31), new Uint8Array())).toThrow(
      expect.objectContaining({ code: 'CRYPTO_BAD_SEED' }),
    );
    expect(() => publicKeyFromSeed(new Uint8Array(33))).toThrow(expect.objectContaining({ code: 'CRYPTO_BAD_SEED' }));
  });
});

describe('ed25519 verification policy', () => {
  it('accepts a valid RFC 8032 signature on both paths', () => {
    expect(both(RFC1.pub, RFC1.msg, RFC1.sig)).toBe('valid');
    expect(verify(RFC1.pub, RFC1.msg, RFC1.sig)).toBe(true);
    expect(verifyReference(RFC1.pub, RFC1.msg, RFC1.sig)).toBe(true);
  });

  it('rejects a key or signature of the wrong length', () => {
    expect(both(RFC1.pub.subarray(0, 31), RFC1.msg, RFC1.sig)).toBe('SIG_BAD_LENGTH');
    expect(both(RFC1.pub, RFC1.msg, RFC1.sig.subarray(0, 63))).toBe('SIG_BAD_LENGTH');
    expect(both(new Uint8Array(), RFC1.msg, new Uint8Array())).toBe('SIG_BAD_LENGTH');
  });

  it('rejects a signature whose S is not reduced', () => {
    const s = bytesToNumberLE(RFC1.sig.subarray(32));
    const r = RFC1.sig.subarray(0, 32);
    expect(both(RFC1.pub, RFC1.msg, cat(r, le32(s + L)))).toBe('SIG_NON_CANONICAL_S');
    expect(both(RFC1.pub, RFC1.msg, cat(r, le32(L)))).toBe('SIG_NON_CANONICAL_S');
    expect(both(RFC1.pub, RFC1.msg, cat(r, le32(L - 1n)))).toBe('SIG_MISMATCH');
    expect(both(RFC1.pub, RFC1.msg, cat(r, new Uint8Array(32).fill(0xff)))).toBe('SIG_NON_CANONICAL_S');
  });

  it('lists exactly the 8 small-order points, as noble does', () => {
    expect([...SMALL_ORDER_ENCODINGS].sort()).toEqual([...ED25519_TORSION_SUBGROUP].sort());
    for (const enc of SMALL_ORDER_ENCODINGS) expect(Point.fromHex(enc).isSmallOrder()).toBe(true);
  });

  it('rejects every small-order public key, with any signature', () => {
    for (const enc of SMALL_ORDER_ENCODINGS) expect(both(h(enc), RFC1.msg, RFC1.sig)).toBe('SIG_SMALL_ORDER_KEY');
  });

  it('rejects every small-order R', () => {
    for (const enc of SMALL_ORDER_ENCODINGS) {
      expect(both(RFC1.pub, RFC1.msg, cat(h(enc), RFC1.sig.subarray(32)))).toBe('SIG_SMALL_ORDER_R');
    }
  });

  it('rejects the non-canonical spellings of points as key and as R', () => {
    // y >= p (y = p .. p + 18, both signs) and x = 0 with the sign bit (y = 1, y = p - 1).
    const spellings: Uint8Array[] = [];
    for (let d = 0n; d < 19n; d++) {
      for (const sign of [0, 0x80]) {
        const b = le32(P + d);
        b[31] = (b[31] as number) | sign;
        spellings.push(b);
      }
    }
    const sign1 = le32(1n);
    sign1[31] = 0x80;
    const signPm1 = le32(P - 1n);
    signPm1[31] = (signPm1[31] as number) | 0x80;
    spellings.push(sign1, signPm1);
    for (const enc of spellings) {
      expect(both(enc, RFC1.msg, RFC1.sig)).toBe('SIG_NON_CANONICAL_KEY');
      expect(both(RFC1.pub, RFC1.msg, cat(enc, RFC1.sig.subarray(32)))).toBe('SIG_NON_CANONICAL_R');
    }
  });

  it('rejects a key that is not a curve point, before looking at R', () => {
    const offCurve = h(`02${'00'.repeat(31)}`);
    expect(() => Point.fromBytes(offCurve)).toThrow();
    expect(both(offCurve, RFC1.msg, RFC1.sig)).toBe('SIG_NON_CANONICAL_KEY');
    expect(both(offCurve, RFC1.msg, cat(h(SMALL_ORDER_ENCODINGS[0] as string), RFC1.sig.subarray(32)))).toBe(
      'SIG_NON_CANONICAL_KEY',
    );
    expect(both(offCurve, RFC1.msg, cat(le32(P), RFC1.sig.subarray(32)))).toBe('SIG_NON_CANONICAL_KEY');
  });

  it('uses the cofactorless equation: a signature valid only with the cofactor is rejected', () => {
    const a = 0x1234567n;
    const T = Point.fromHex(SMALL_ORDER_ENCODINGS[5] as string); // order 8
    const A = Point.BASE.multiply(a).add(T).toBytes();
    const r = 0x777n;
    const R = Point.BASE.multiply(r).toBytes();
    const k = (m: Uint8Array): bigint => bytesToNumberLE(sha512(cat(R, A, m))) % L;
    const random = new SeededRandom(7);
    let cofactoredOnly = 0;
    let valid = 0;
    for (let i = 0; i < 32; i++) {
      const m = random.bytes(16);
      const sig = cat(R, le32((r + k(m) * a) % L));
      const result = both(A, m, sig);
      expect(result).toBe(k(m) % 8n === 0n ? 'valid' : 'SIG_MISMATCH');
      if (result === 'valid') valid++;
      else cofactoredOnly++;
    }
    expect(valid).toBeGreaterThan(0);
    expect(cofactoredOnly).toBeGreaterThan(0);
  });

  it('throws the SIG-8 code from assertValidSignature', () => {
    expect(() => assertValidSignature(RFC1.pub, RFC1.msg, RFC1.sig)).not.toThrow();
    expect(() => assertValidSignature(RFC1.pub, h('00'), RFC1.sig)).toThrow(
      expect.objectContaining({ code: 'SIG_MISMATCH' }),
    );
  });

  it('gives the same outcome and code on both paths for 2,400 random and mutated signatures', () => {
    const random = new SeededRandom(20260101);
    const bytes = (n: number): Uint8Array => random.bytes(n);
    const int = (n: number): number => random.int(n);
    const keys = Array.from({ length: 24 }, () => {
      const seed = bytes(32);
      return { seed, pub: publicKeyFromSeed(seed) };
    });
    const torsion = SMALL_ORDER_ENCODINGS.map(h);
    const nonCanonical = (): Uint8Array => {
      const b = int(3) === 0 ? le32(int(2) === 0 ? 1n : P - 1n) : le32(P + BigInt(int(19)));
      if (int(2) === 0 || bytesToNumberLE(b) < P) b[31] = (b[31] as number) | 0x80;
      return b;
    };
    const flip = (b: Uint8Array): Uint8Array => {
      const c = Uint8Array.from(b);
      if (c.length === 0) return Uint8Array.of(1);
      const bit = int(c.length * 8);
      c[bit >> 3] = (c[bit >> 3] as number) ^ (1 << (bit & 7));
      return c;
    };
    const counts = new Map<string, number>();
    const total = 2400;
    for (let i = 0; i < total; i++) {
      const key = keys[int(keys.length)] as (typeof keys)[number];
      let pub = key.pub;
      let msg = bytes(int(80));
      let sig = sign(key.seed, msg);
      const R = (): Uint8Array => sig.subarray(0, 32);
      const S = (): Uint8Array => sig.subarray(32);
      switch (i % 16) {
        case 0:
          break;
        case 1:
          msg = flip(msg);
          break;
        case 2:
          sig = cat(flip(R()), S());
          break;
        case 3:
          sig = cat(R(), flip(S()));
          break;
        case 4:
          pub = flip(pub);
          break;
        case 5:
          sig = cat(R(), le32(bytesToNumberLE(S()) + L));
          break;
        case 6:
          sig = cat(R(), bytes(32));
          break;
        case 7:
          pub = torsion[int(8)] as Uint8Array;
          break;
        case 8:
          sig = cat(torsion[int(8)] as Uint8Array, S());
          break;
        case 9:
          pub = nonCanonical();
          break;
        case 10:
          sig = cat(nonCanonical(), S());
          break;
        case 11:
          pub = bytes(32);
          break;
        case 12:
          sig = cat(bytes(32), S());
          break;
        case 13:
          if (int(2) === 0) pub = pub.subarray(0, int(32));
          else sig = sig.subarray(0, int(64));
          break;
        case 14:
          pub = bytes(32);
          sig = cat(int(2) === 0 ? (torsion[int(8)] as Uint8Array) : nonCanonical(), S());
          break;
        default: {
          // Mixed-order key and R: A = [a]B + T, R = [r]B + T', S = r + k a; valid iff T' = -[k]T.
          const a = (bytesToNumberLE(bytes(32)) % (L - 1n)) + 1n;
          const r = (bytesToNumberLE(bytes(32)) % (L - 1n)) + 1n;
          const T = Point.fromBytes(torsion[int(8)] as Uint8Array);
          const T2 = Point.fromBytes(torsion[int(8)] as Uint8Array);
          pub = Point.BASE.multiply(a).add(T).toBytes();
          const Rb = Point.BASE.multiply(r).add(T2).toBytes();
          const k = bytesToNumberLE(sha512(cat(Rb, pub, msg))) % L;
          sig = cat(Rb, le32((r + k * a) % L));
        }
      }
      const result = both(pub, msg, sig);
      counts.set(result, (counts.get(result) ?? 0) + 1);
    }
    for (const code of [
      'valid',
      'SIG_BAD_LENGTH',
      'SIG_NON_CANONICAL_S',
      'SIG_NON_CANONICAL_KEY',
      'SIG_NON_CANONICAL_R',
      'SIG_SMALL_ORDER_KEY',
      'SIG_SMALL_ORDER_R',
      'SIG_MISMATCH',
    ]) {
      expect(counts.get(code) ?? 0, code).toBeGreaterThan(10);
    }
    expect([...counts.values()].reduce((x, y) => x + y, 0)).toBe(total);
  }, 120_000);
});
