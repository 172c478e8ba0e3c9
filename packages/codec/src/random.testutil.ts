// Seeded random messages for the property and fuzz tests. Not exported from index.ts.
import { SeededRandom } from '@babychain/test-utils';
import type { FieldDesc, MessageDesc } from './reflect.ts';
import { defaultScalar } from './values.ts';

/** The seeded generator, with the values the wire format treats specially. */
export class Random extends SeededRandom {
  /** up to `maxLen` random bytes */
  bytesUpTo(maxLen: number): Uint8Array {
    return this.bytes(this.int(maxLen + 1));
  }

  u32(): number {
    return this.pick([
      0,
      1,
      127,
      128,
      255,
      300,
      16383,
      16384,
      0x7fffffff,
      0xffffffff,
      this.int(2 ** 32),
      this.int(200),
    ]);
  }

  u64(): bigint {
    return this.pick([
      0n,
      1n,
      127n,
      128n,
      2n ** 32n,
      2n ** 53n + 1n,
      2n ** 63n,
      2n ** 64n - 1n,
      this.bigint(2n ** 64n),
      BigInt(this.int(1000)),
    ]);
  }

  string(maxChars: number): string {
    // ASCII, 2-, 3- and 4-byte UTF-8, NUL and a BOM: the string paths that differ between UTF-8 codecs.
    const pool = ['a', 'Z', '0', ' ', '\u0000', 'é', 'ß', '€', '\uFEFF', '中', '𝄞', '😀', '\u07FF', '\uFFFD'];
    let s = '';
    const n = this.int(maxChars + 1);
    for (let i = 0; i < n; i++) s += this.pick(pool);
    return s;
  }
}

function nonDefault(r: Random, f: FieldDesc, depth: number): unknown {
  for (let i = 0; i < 100; i++) {
    const v = scalar(r, f, depth);
    if (v !== 0 && v !== 0n && v !== false && v !== '' && !(v instanceof Uint8Array && v.length === 0)) return v;
  }
  throw new Error(`no non-default value for ${f.name}`);
}

function scalar(r: Random, f: FieldDesc, depth: number): unknown {
  switch (f.kind) {
    case 'uint32':
      return r.u32();
    case 'uint64':
      return r.u64();
    case 'bool':
      return r.bool();
    case 'enum':
      return r.pick([...(f.enumValues ?? [0])]);
    case 'string':
      return r.string(12);
    case 'bytes':
      return r.bytesUpTo(40);
    case 'message':
      if (f.message === undefined) throw new Error('unlinked message');
      return randomMessage(r, f.message, depth + 1);
  }
}

/** A random valid value of `desc`: every field sometimes default/absent, sometimes set. */
export function randomMessage(r: Random, desc: MessageDesc, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pSet = 0.6;
  // Recursive schemas would otherwise grow without bound; the protocol's own nest at most 3 deep.
  const nest = depth < 4;
  for (const m of desc.members) {
    if (m.kind === 'oneof') {
      const members = m.oneof.fields.filter((f) => nest || f.kind !== 'message');
      if (members.length > 0 && r.bool(pSet)) {
        const f = r.pick(members);
        out[m.oneof.name] = { case: f.name, value: nonDefault(r, f, depth) };
      }
      continue;
    }
    const f = m.field;
    const allowed = nest || f.kind !== 'message';
    if (f.repeated) {
      const n = allowed && r.bool(pSet) ? 1 + r.int(3) : 0;
      out[f.name] = Array.from({ length: n }, () => scalar(r, f, depth));
    } else if (f.kind === 'message') {
      if (allowed && r.bool(pSet)) out[f.name] = scalar(r, f, depth);
    } else {
      out[f.name] = r.bool(pSet) ? scalar(r, f, depth) : defaultScalar(f.kind);
    }
  }
  return out;
}
