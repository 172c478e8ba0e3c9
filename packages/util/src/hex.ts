/**
 * Hex, the same lowercase text on every runtime: Node's Buffer where it exists (a flat string, fast to hash as a map
 * key), @noble/hashes in a browser. Decoding takes lower- or upper-case digits and throws a plain Error on anything
 * else: callers validate input first, and codec turns it into its own errors.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

export function toHex(bytes: Uint8Array): string {
  if (NodeBuffer === undefined) return bytesToHex(bytes);
  return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}
