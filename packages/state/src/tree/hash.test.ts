import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountKey, EMPTY_HASH, leafHash, valueHash } from './hash.ts';
import { referenceRoot } from './reference.ts';

// Independent of the code under test: node:crypto's SHA-256 and hand-written Account encodings.
const H = (...parts: (number[] | Uint8Array)[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Uint8Array.from(p));
  return new Uint8Array(h.digest());
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const bit = (k: Uint8Array, i: number): number => ((k[i >> 3] as number) >> (7 - (i % 8))) & 1;
const ZERO32 = new Uint8Array(32);

/** STATE-8: SHA-256(0x00 || k || SHA-256(value)). */
const leaf = (address: Uint8Array, value: number[]): Uint8Array => H([0], H(address), H(value));

/** STATE-10 for exactly two leaves: an inner node at the first differing bit, EMPTY beside every node above. */
function twoLeafRoot(a: Uint8Array, av: number[], b: Uint8Array, bv: number[]): Uint8Array {
  const ka = H(a);
  const kb = H(b);
  let d = 0;
  while (bit(ka, d) === bit(kb, d)) d++;
  const la = leaf(a, av);
  const lb = leaf(b, bv);
  let h = bit(ka, d) === 0 ? H([1], la, lb) : H([1], lb, la);
  for (let i = d - 1; i >= 0; i--) h = bit(ka, i) === 0 ? H([1], h, ZERO32) : H([1], ZERO32, h);
  return h;
}

interface RootVector {
  id: string;
  input: { accounts: { address: string; balance: string; nonce: string }[] };
  expected: { root: string };
}
const vectors = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../../../test-vectors/state-proof/roots.json'), 'utf8')) as {
    cases: RootVector[];
  }
).cases;
const vector = (id: string): RootVector => {
  const v = vectors.find((c) => c.id === id);
  if (v === undefined) throw new Error(`no vector ${id}`);
  return v;
};
const addressOf = (v: RootVector, i: number): Uint8Array => bytes((v.input.accounts[i] as { address: string }).address);

describe('state root hashes (STATE-8..STATE-10), checked by hand', () => {
  it('gives 32 zero bytes for the empty set', () => {
    expect(hex(EMPTY_HASH)).toBe('00'.repeat(32));
    expect(hex(referenceRoot([]))).toBe('00'.repeat(32));
    expect(vector('state-root-empty').expected.root).toBe('00'.repeat(32));
  });

  it('gives the leaf hash of the one account for a one-account set', () => {
    const v = vector('state-root-one'); // balance 123, nonce 0: 08 7b
    const a = addressOf(v, 0);
    expect(v.input.accounts[0]).toMatchObject({ balance: '123', nonce: '0' });
    expect(hex(valueHash({ balance: 123n, nonce: 0n }))).toBe(hex(H([0x08, 0x7b])));
    expect(hex(accountKey(a))).toBe(hex(H(a)));
    expect(hex(leafHash(H(a), H([0x08, 0x7b])))).toBe(hex(leaf(a, [0x08, 0x7b])));
    expect(v.expected.root).toBe(hex(leaf(a, [0x08, 0x7b])));
  });

  it('hashes drained, empty and maximal account values from their hand-written encodings', () => {
    const drained = vector('state-root-one-zero-balance'); // balance 0 (absent), nonce 3: 10 03
    expect(drained.expected.root).toBe(hex(leaf(addressOf(drained, 0), [0x10, 0x03])));
    const empty = vector('state-root-one-empty-value'); // both fields absent: no bytes
    expect(empty.expected.root).toBe(hex(leaf(addressOf(empty, 0), [])));
    const max = vector('state-root-one-max-values'); // 2^64-1 is ten varint bytes, ff x9 then 01
    const u64max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(max.expected.root).toBe(hex(leaf(addressOf(max, 0), [0x08, ...u64max, 0x10, ...u64max])));
  });

  it('puts two accounts under an inner node at their first differing bit, EMPTY beside each node above', () => {
    for (const id of ['state-root-two', 'state-root-shared-prefix-pair']) {
      const v = vector(id);
      const [a, b] = v.input.accounts as [
        RootVector['input']['accounts'][number],
        RootVector['input']['accounts'][number],
      ];
      const enc = (x: { balance: string; nonce: string }): number[] => {
        const out: number[] = [];
        const varint = (n: bigint) => {
          while (n >= 0x80n) {
            out.push(Number(n & 0x7fn) | 0x80);
            n >>= 7n;
          }
          out.push(Number(n));
        };
        if (x.balance !== '0') {
          out.push(0x08);
          varint(BigInt(x.balance));
        }
        if (x.nonce !== '0') {
          out.push(0x10);
          varint(BigInt(x.nonce));
        }
        return out;
      };
      expect(v.expected.root, id).toBe(hex(twoLeafRoot(bytes(a.address), enc(a), bytes(b.address), enc(b))));
    }
    // 1 000 000 = 0x0f4240 is the varint c0 84 3d.
    const two = vector('state-root-two');
    expect(two.input.accounts[1]).toMatchObject({ balance: '1000000', nonce: '2' });
    expect(two.expected.root).toBe(
      hex(twoLeafRoot(addressOf(two, 0), [0x08, 0x7b], addressOf(two, 1), [0x08, 0xc0, 0x84, 0x3d, 0x10, 0x02])),
    );
  });
});
