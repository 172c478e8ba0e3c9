import { sha256 } from './hash.ts';

const LEAF = new Uint8Array([0x00]);
const NODE = new Uint8Array([0x01]);

/**
 * ENC-14: the RFC 6962 §2.1 Merkle tree hash. The 0x00/0x01 prefixes keep a leaf from ever being confused with
 * an inner node (second-preimage attacks on unbalanced trees).
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256();
  return subtree(
    leaves.map((leaf) => sha256(LEAF, leaf)),
    0,
    leaves.length,
  );
}

function subtree(hashes: readonly Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 1) return hashes[from] as Uint8Array;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(NODE, subtree(hashes, from, from + k), subtree(hashes, from + k, to));
}
