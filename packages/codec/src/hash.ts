import { nodeSha256 } from './sha256-node.ts';
import { portableSha256 } from './sha256-portable.ts';

/** node:crypto (OpenSSL) on Node, @noble/hashes in a browser: the same bytes (hash.test.ts). */
const sha256Of = nodeSha256 ?? portableSha256;

/**
 * SHA-256 over the concatenation of `parts` (ENC-13): the only hash function of protocol v0. A fresh plain
 * Uint8Array (not a Buffer) of 32 bytes.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  return sha256Of(parts);
}

/** Hex lives in util; codec's users read it here too. */
export { fromHex, toHex } from '@babychain/util';

/** Bytewise order, a proper prefix first (so the empty string sorts before everything). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
