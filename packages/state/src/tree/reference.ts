// STATE-10 written literally: split the set by bit d, recurse. O(n x depth) with a copy per level; for tests and
// vector generators only. The StateTree must always agree with it.
import { toHex } from '@babychain/codec';
import { bitAt, EMPTY_HASH, innerHash, KEY_BITS, leafHash } from './hash.ts';

type Leaf = readonly [key: Uint8Array, valueHash: Uint8Array];

/** The state root (STATE-10) of a set of leaves `(key, valueHash)`. Throws on a repeated key or a key not of 32 bytes. */
export function referenceRoot(leaves: Iterable<readonly [key: Uint8Array, valueHash: Uint8Array]>): Uint8Array {
  const all: Leaf[] = [];
  const seen = new Set<string>();
  for (const [key, vh] of leaves) {
    if (key.length !== 32 || vh.length !== 32) throw new TypeError('referenceRoot: keys and value hashes are 32 bytes');
    const id = toHex(key);
    if (seen.has(id)) throw new TypeError(`referenceRoot: key ${id} appears twice`);
    seen.add(id);
    all.push([key, vh]);
  }
  return subtreeHash(all, 0);
}

/** H(S) for the set S of leaves sharing their first d bits. */
function subtreeHash(s: readonly Leaf[], d: number): Uint8Array {
  if (s.length === 0) return EMPTY_HASH;
  if (s.length === 1) {
    const [key, vh] = s[0] as Leaf;
    return leafHash(key, vh);
  }
  if (d >= KEY_BITS) throw new Error('unreachable: distinct keys differ in some bit');
  const s0 = s.filter(([key]) => bitAt(key, d) === 0);
  const s1 = s.filter(([key]) => bitAt(key, d) === 1);
  return innerHash(subtreeHash(s0, d + 1), subtreeHash(s1, d + 1));
}
