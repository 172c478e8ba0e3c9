import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, toHex } from './index.ts';
import { nodeSha256, nodeSha256With } from './sha256-node.ts';
import { portableSha256 } from './sha256-portable.ts';

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + 7) & 255);
const MiB = bytes(1 << 20, 3);

/** Inputs as lists of parts: the first argument of each is a label. */
const CASES: [string, Uint8Array[]][] = [
  ['no parts', []],
  ['one empty part', [new Uint8Array()]],
  ['several empty parts', [new Uint8Array(), new Uint8Array(), new Uint8Array()]],
  ['one byte', [Uint8Array.of(0x61)]],
  ['55 bytes (one padded block)', [bytes(55)]],
  ['56 bytes (padding spills)', [bytes(56)]],
  ['64 bytes', [bytes(64)]],
  ['150 bytes', [bytes(150)]],
  ['a Merkle leaf', [Uint8Array.of(0), bytes(150)]],
  ['a Merkle node', [Uint8Array.of(1), bytes(32), bytes(32, 1)]],
  ['parts with empty ones between', [bytes(3), new Uint8Array(), bytes(70, 2), new Uint8Array()]],
  ['a view into a larger buffer', [bytes(200, 4).subarray(17, 150)]],
  ['a Buffer', [Buffer.from('a Buffer is a Uint8Array')]],
  ['parts filling the scratch buffer exactly', [bytes(4000), bytes(96)]],
  ['parts one byte over the scratch buffer', [bytes(4000), bytes(97)]],
  ['1 MiB in one part', [MiB]],
  [
    '1 MiB in uneven parts',
    [MiB.subarray(0, 1), MiB.subarray(1, 4097), MiB.subarray(4097, 500_000), MiB.subarray(500_000)],
  ],
  ['1 MiB and a tag', [Uint8Array.of(0), MiB]],
];

describe('sha256', () => {
  it('runs on node:crypto under Node', () => {
    expect(nodeSha256).toBeDefined();
  });

  it('gives the FIPS 180-2 digests', () => {
    const abc = new TextEncoder().encode('abc');
    const long = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    for (const f of [sha256, (...p: Uint8Array[]) => portableSha256(p)]) {
      expect(toHex(f())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(toHex(f(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(toHex(f(long))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    }
  });

  it('gives the same bytes on node:crypto as @noble/hashes (the browser implementation)', () => {
    const node = nodeSha256 as NonNullable<typeof nodeSha256>;
    for (const [label, parts] of CASES) {
      const want = toHex(portableSha256(parts));
      expect(toHex(node(parts)), label).toBe(want);
      expect(toHex(sha256(...parts)), label).toBe(want);
      expect(toHex(portableSha256([concat(parts)])), label).toBe(want);
    }
  });

  it('returns a fresh plain Uint8Array of its own 32 bytes, not a Buffer', () => {
    for (const [label, parts] of CASES) {
      const out = sha256(...parts);
      expect(Object.getPrototypeOf(out), label).toBe(Uint8Array.prototype);
      expect(out.byteLength, label).toBe(32);
      expect(out.buffer.byteLength, label).toBe(32);
    }
    expect(sha256(bytes(5))).toEqual(portableSha256([bytes(5)])); // toEqual tells a Buffer from a Uint8Array
    const a = sha256(bytes(5));
    a.fill(0);
    expect(sha256(bytes(5))).not.toEqual(a);
  });

  it('leaves its inputs alone, and one call does not leak into the next', () => {
    const x = bytes(100);
    const y = bytes(10, 5);
    const first = toHex(sha256(x, y));
    expect(toHex(sha256(y))).toBe(toHex(portableSha256([y])));
    expect(toHex(sha256(x, y))).toBe(first);
    expect(x).toEqual(bytes(100));
    expect(y).toEqual(bytes(10, 5));
  });

  it('can be built on any object with node:crypto hash and createHash', () => {
    const f = nodeSha256With(nodeCrypto);
    for (const [label, parts] of CASES) expect(toHex(f(parts)), label).toBe(toHex(portableSha256(parts)));
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
