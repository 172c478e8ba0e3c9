/**
 * Prints what OpenSSL (node:crypto) and noble's own verify() decide on inputs that satisfy a lax reading of the
 * equation but break one rule of our policy, next to our two paths. Not a test: run it when Node or OpenSSL changes.
 *
 *   pnpm exec node packages/crypto/src/bench/measure-policy.ts
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { L, verifyFastDetailed, verifyReferenceDetailed } from '../ed25519.ts';

const Point = ed25519.Point;
const H = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const k = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => bytesToNumberLE(sha512(cat(r, a, m))) % L;
const le32 = (n: bigint): Uint8Array => numberToBytesLE(n, 32);

const a = 0x1234567890abcdefn; // a secret scalar we know
const A = Point.BASE.multiply(a);
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'); // order 8
const msg = (i: number): Uint8Array => new TextEncoder().encode(`babychain measurement ${i}`);

interface Case {
  name: string;
  pub: Uint8Array;
  m: Uint8Array;
  sig: Uint8Array;
}

function validSig(m: Uint8Array): Uint8Array {
  const r = 0xabcdefn;
  const R = Point.BASE.multiply(r).toBytes();
  return cat(R, le32((r + k(R, A.toBytes(), m) * a) % L));
}

const cases: Case[] = [];
{
  const m = msg(0);
  cases.push({ name: 'valid signature', pub: A.toBytes(), m, sig: validSig(m) });
  const sig = validSig(m);
  const s = bytesToNumberLE(sig.subarray(32));
  cases.push({ name: 'SIG-4 S + L (same point)', pub: A.toBytes(), m, sig: cat(sig.subarray(0, 32), le32(s + L)) });
}
{
  // Small-order A, mixed-order R = [s]B - A: the equation holds when k = 1 mod 8.
  const pub = T8.toBytes();
  const s = 0x777n;
  const R = Point.BASE.multiply(s).subtract(T8).toBytes();
  let i = 0;
  while (k(R, pub, msg(i)) % 8n !== 1n) i++;
  cases.push({ name: 'SIG-6 small-order A (R mixed)', pub, m: msg(i), sig: cat(R, le32(s)) });
}
{
  // Small-order R = identity, A = [a]B, S = k a.
  const R = Point.ZERO.toBytes();
  const m = msg(1);
  cases.push({
    name: 'SIG-6 small-order R (identity)',
    pub: A.toBytes(),
    m,
    sig: cat(R, le32((k(R, A.toBytes(), m) * a) % L)),
  });
}
{
  // Small-order R of order 8 with mixed A = [a]B - T8: [ka]B - [k]A = [k]T8 = T8 = R when k = 1 mod 8.
  const pub = A.subtract(T8).toBytes();
  const R = T8.toBytes();
  let i = 0;
  while (k(R, pub, msg(300 + i)) % 8n !== 1n) i++;
  const m = msg(300 + i);
  cases.push({ name: 'SIG-6 small-order R (order 8, A mixed)', pub, m, sig: cat(R, le32((k(R, pub, m) * a) % L)) });
}
for (const [label, R] of [
  ['y = p + 1', H('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
  ['x = 0, sign bit', H('0100000000000000000000000000000000000000000000000000000000000080')],
] as const) {
  // Non-canonical spellings of the identity as R: a decoder that reduces y accepts S = k a.
  const m = msg(2);
  cases.push({
    name: `SIG-5 non-canonical R (identity, ${label})`,
    pub: A.toBytes(),
    m,
    sig: cat(R, le32((k(R, A.toBytes(), m) * a) % L)),
  });
}
for (const [label, pub] of [
  ['y = p + 1', H('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
  ['x = 0, sign bit', H('0100000000000000000000000000000000000000000000000000000000000080')],
] as const) {
  // Non-canonical spellings of the identity as A: [S]B - [k]A = [S]B, so R = [S]B works for any message.
  const s = 0x4242n;
  cases.push({
    name: `SIG-5 non-canonical A (identity, ${label})`,
    pub,
    m: msg(3),
    sig: cat(Point.BASE.multiply(s).toBytes(), le32(s)),
  });
}
cases.push({
  name: 'SIG-5 A not on the curve (y = 2)',
  pub: H(`02${'00'.repeat(31)}`),
  m: msg(4),
  sig: validSig(msg(4)),
});
{
  // Mixed A = [a]B + T8, R = [r]B, S = r + k a: cofactorless holds iff k = 0 mod 8; pick k != 0 mod 8.
  const pub = A.add(T8).toBytes();
  const r = 0x999n;
  const R = Point.BASE.multiply(r).toBytes();
  let i = 0;
  while (k(R, pub, msg(100 + i)) % 8n === 0n) i++;
  const m = msg(100 + i);
  cases.push({ name: 'SIG-7 cofactored-only (mixed A)', pub, m, sig: cat(R, le32((r + k(R, pub, m) * a) % L)) });
  let j = 0;
  while (k(R, pub, msg(200 + j)) % 8n !== 0n) j++;
  const m2 = msg(200 + j);
  cases.push({
    name: 'mixed A, equation holds cofactorless',
    pub,
    m: m2,
    sig: cat(R, le32((r + k(R, pub, m2) * a) % L)),
  });
}

const SPKI = H('302a300506032b6570032100');
function openssl(c: Case): string {
  try {
    const key = createPublicKey({ key: Buffer.from(cat(SPKI, c.pub)), format: 'der', type: 'spki' });
    return nodeVerify(null, c.m, key, c.sig) ? 'accepts' : 'rejects';
  } catch (err) {
    return `throws (${(err as Error).message})`;
  }
}
function noble(c: Case, zip215: boolean): string {
  try {
    return ed25519.verify(c.sig, c.m, c.pub, { zip215 }) ? 'accepts' : 'rejects';
  } catch {
    return 'rejects (throws)';
  }
}
const ours = (c: Case, f: typeof verifyFastDetailed): string => {
  const r = f(c.pub, c.m, c.sig);
  return r.ok ? 'accepts' : r.reason;
};

console.log(`node ${process.versions.node}, OpenSSL ${process.versions.openssl}`);
console.log('| case | OpenSSL alone | noble (zip215) | noble (strict) | reference | fast |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const c of cases) {
  console.log(
    `| ${c.name} | ${openssl(c)} | ${noble(c, true)} | ${noble(c, false)} | ${ours(c, verifyReferenceDetailed)} | ${ours(c, verifyFastDetailed)} |`,
  );
}
