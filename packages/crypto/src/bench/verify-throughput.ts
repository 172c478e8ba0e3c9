/**
 * Prints verifies per second on one core for both paths. Not a test.
 *
 *   pnpm exec node packages/crypto/src/bench/verify-throughput.ts
 */
import { createPublicKey, type KeyObject, verify as nodeVerify, randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { generateKeyPair, sign, verifyFast, verifyReference } from '../ed25519.ts';

interface Item {
  pub: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

function items(keys: number, count: number): Item[] {
  const pairs = Array.from({ length: keys }, () => generateKeyPair());
  return Array.from({ length: count }, (_, i) => {
    const pair = pairs[i % keys] as (typeof pairs)[number];
    const msg = Uint8Array.from(randomBytes(200));
    return { pub: pair.publicKey, msg, sig: sign(pair.seed, msg) };
  });
}

function rate(
  label: string,
  list: Item[],
  f: (p: Uint8Array, m: Uint8Array, s: Uint8Array) => boolean,
  seconds = 2,
): void {
  for (const it of list.slice(0, 50)) f(it.pub, it.msg, it.sig); // warm up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    const it = list[n % list.length] as Item;
    if (!f(it.pub, it.msg, it.sig)) throw new Error('a valid signature failed');
    n++;
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(52)} ${Math.round(perSecond).toLocaleString('en').padStart(8)} verifies/s`);
}

console.log(`node ${process.versions.node}, OpenSSL ${process.versions.openssl}, 200-byte messages, one core`);
const hot = items(100, 2000);
rate('fast path (node:crypto), 100 keys, KeyObject cached', hot, verifyFast);
const cold = items(10_000, 10_000);
rate('fast path (node:crypto), 10k keys, cache misses', cold, verifyFast);
rate('reference path (@noble/curves arithmetic)', hot, verifyReference);

// For comparison: the libraries alone, without our policy checks.
const spki = Buffer.from('302a300506032b6570032100', 'hex');
const keyObjects = new Map<Uint8Array, KeyObject>();
for (const it of hot) {
  if (!keyObjects.has(it.pub)) {
    keyObjects.set(it.pub, createPublicKey({ key: Buffer.concat([spki, it.pub]), format: 'der', type: 'spki' }));
  }
}
rate('  bare node:crypto verify, KeyObject prebuilt', hot, (p, m, s) =>
  nodeVerify(null, m, keyObjects.get(p) as KeyObject, s),
);
rate('  bare noble ed25519.verify (zip215: false)', hot, (p, m, s) => ed25519.verify(s, m, p, { zip215: false }));
