import { describe, expect, it } from 'vitest';
import { fromHex, merkleRoot, sha256, toHex } from './index.ts';

// The Certificate Transparency reference tree (RFC 6962 test data, as in Google's trillian/CT test suites):
// the root of the first n of these eight leaves.
const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  fromHex,
);
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('merkleRoot', () => {
  it('is sha256 of nothing for an empty list', () => {
    expect(toHex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches the RFC 6962 reference roots for 1 to 8 leaves', () => {
    for (let n = 1; n <= 8; n++) expect(toHex(merkleRoot(leaves.slice(0, n))), `${n} leaves`).toBe(roots[n - 1]);
  });

  it('splits at the largest power of two below n', () => {
    const d = [1, 2, 3, 4, 5].map((i) => new Uint8Array([i]));
    const leaf = (x: Uint8Array) => sha256(new Uint8Array([0]), x);
    const node = (a: Uint8Array, b: Uint8Array) => sha256(new Uint8Array([1]), a, b);
    const left = node(
      node(leaf(d[0] as Uint8Array), leaf(d[1] as Uint8Array)),
      node(leaf(d[2] as Uint8Array), leaf(d[3] as Uint8Array)),
    );
    expect(merkleRoot(d)).toEqual(node(left, leaf(d[4] as Uint8Array)));
  });

  it('does not give a single leaf the root of its own hash (leaf and node domains differ)', () => {
    const a = new Uint8Array([1]);
    expect(merkleRoot([a])).not.toEqual(sha256(a));
  });
});
