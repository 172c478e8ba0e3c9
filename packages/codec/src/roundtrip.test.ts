import { describe, expect, it } from 'vitest';
import { isBabyError } from './errors.ts';
import { Random, randomMessage } from './random.testutil.ts';
import { DEFAULT_MAX_BYTES, decodeMessage } from './reader.ts';
import type { MessageDesc } from './reflect.ts';
import { messageDesc, messageNames } from './schema.ts';
import { ALL } from './testschema.testutil.ts';
import { encodeMessage } from './writer.ts';

const protocolTypes: MessageDesc[] = messageNames().map((n) => {
  const d = messageDesc(n);
  if (d === undefined) throw new Error(n);
  return d;
});
// The test schema adds bool, enums, packed fields and recursion, which the protocol's schemas do not use yet.
const types = [...protocolTypes, ALL];

function samples(
  seed: number,
  count: number,
): { desc: MessageDesc; value: Record<string, unknown>; bytes: Uint8Array }[] {
  const r = new Random(seed);
  return Array.from({ length: count }, () => {
    const desc = r.pick(types);
    const value = randomMessage(r, desc);
    return { desc, value, bytes: encodeMessage(desc, value) };
  });
}

describe('canonical round trip', () => {
  it('decode(encode(x)) equals x for random valid messages of every type', () => {
    const seen = new Set<string>();
    for (const { desc, value, bytes } of samples(0xb4b7, 3000)) {
      seen.add(desc.name);
      expect(decodeMessage(desc, bytes, DEFAULT_MAX_BYTES), desc.name).toEqual(value);
    }
    expect(seen.size).toBe(types.length);
  });

  it('encode(decode(b)) equals b for the encodings of random messages', () => {
    for (const { desc, bytes } of samples(7, 3000)) {
      expect(encodeMessage(desc, decodeMessage(desc, bytes, DEFAULT_MAX_BYTES))).toEqual(bytes);
    }
  });
});

type Mutation = (r: Random, b: Uint8Array) => Uint8Array;

const mutations: Record<string, Mutation> = {
  flipBit: (r, b) => {
    const out = b.slice();
    if (out.length > 0) {
      const i = r.int(out.length);
      out[i] = (out[i] as number) ^ (1 << r.int(8));
    }
    return out;
  },
  setByte: (r, b) => {
    const out = b.slice();
    if (out.length > 0) out[r.int(out.length)] = r.pick([0x00, 0x01, 0x7f, 0x80, 0xff, r.int(256)]);
    return out;
  },
  insertByte: (r, b) => {
    const i = r.int(b.length + 1);
    return new Uint8Array([...b.subarray(0, i), r.int(256), ...b.subarray(i)]);
  },
  deleteByte: (r, b) => {
    const i = r.int(b.length);
    return new Uint8Array([...b.subarray(0, i), ...b.subarray(i + 1)]);
  },
  truncate: (r, b) => b.slice(0, r.int(b.length + 1)),
  append: (r, b) => new Uint8Array([...b, ...r.bytesUpTo(3)]),
  duplicateRange: (r, b) => {
    const i = r.int(b.length + 1);
    const j = i + r.int(b.length - i + 1);
    return new Uint8Array([...b.subarray(0, j), ...b.subarray(i, j), ...b.subarray(j)]);
  },
  swapRanges: (r, b) => {
    const i = r.int(b.length + 1);
    return new Uint8Array([...b.subarray(i), ...b.subarray(0, i)]);
  },
};

describe('decode on mutated input', () => {
  it('either throws a CODEC_ BabyError or accepts bytes that re-encode identically', () => {
    const r = new Random(42);
    const names = Object.keys(mutations);
    const codes = new Map<string, number>();
    let accepted = 0;
    for (const { desc, bytes } of samples(1234, 5000)) {
      for (let k = 0; k < 5; k++) {
        const name = r.pick(names);
        const mutate = mutations[name] as Mutation;
        const mutated = mutate(r, bytes);
        let decoded: Record<string, unknown>;
        try {
          decoded = decodeMessage(desc, mutated, DEFAULT_MAX_BYTES);
        } catch (err) {
          if (!isBabyError(err) || !err.code.startsWith('CODEC_')) throw err;
          codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
          continue;
        }
        accepted++;
        expect(encodeMessage(desc, decoded), `${desc.name} ${name}`).toEqual(mutated);
      }
    }
    // Guards against a vacuous run: mutations must exercise both outcomes and most rules.
    expect(accepted).toBeGreaterThan(1000);
    expect(codes.size).toBeGreaterThanOrEqual(12);
  });
});
