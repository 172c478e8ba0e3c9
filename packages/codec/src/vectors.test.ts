import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageName } from './index.ts';
import { decode, encode, fromHex, fromJson, isBabyError, toHex, toJson } from './index.ts';

// The protocol's codec vectors (test-vectors/codec), run straight against this package's API so a codec change
// that breaks a vector fails here, next to the code.

interface CodecCase {
  id: string;
  rule: string;
  input: { type: MessageName; hex: string; maxBytes?: number };
  expected: { ok: true; json: unknown } | { ok: false; error: string };
}

const dir = join(import.meta.dirname, '..', '..', '..', 'test-vectors', 'codec');
const cases: CodecCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cases: CodecCase[] }).cases);

function run(c: CodecCase): { ok: true; json: unknown; reencoded: string } | { ok: false; error: string } {
  const opts = c.input.maxBytes === undefined ? {} : { maxBytes: c.input.maxBytes };
  try {
    const value = decode(c.input.type, fromHex(c.input.hex), opts);
    return { ok: true, json: toJson(c.input.type, value), reencoded: toHex(encode(c.input.type, value)) };
  } catch (err) {
    if (!isBabyError(err)) throw err;
    return { ok: false, error: err.code };
  }
}

describe('codec test vectors', () => {
  it('has at least 30 cases, about half of them must-reject, covering every message type', () => {
    const rejects = cases.filter((c) => !c.expected.ok).length;
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(rejects / cases.length).toBeGreaterThan(0.4);
    expect(new Set(cases.filter((c) => c.expected.ok).map((c) => c.input.type)).size).toBe(11);
  });

  it('covers every decode error code', () => {
    const codes = new Set(cases.flatMap((c) => (c.expected.ok ? [] : [c.expected.error])));
    for (const code of [
      'CODEC_TRUNCATED',
      'CODEC_NON_MINIMAL_VARINT',
      'CODEC_VARINT_OVERFLOW',
      'CODEC_FIELD_ORDER',
      'CODEC_DUPLICATE_FIELD',
      'CODEC_UNKNOWN_FIELD',
      'CODEC_INVALID_TAG',
      'CODEC_WIRE_TYPE',
      'CODEC_DEFAULT_VALUE',
      'CODEC_ONEOF_MULTIPLE',
      'CODEC_INVALID_UTF8',
      'CODEC_OVERSIZED',
    ]) {
      expect(codes, code).toContain(code);
    }
  });

  for (const c of cases) {
    it(`${c.id} (${c.rule})`, () => {
      const got = run(c);
      if (!c.expected.ok) {
        expect(got).toEqual({ ok: false, error: c.expected.error });
        return;
      }
      expect(got).toEqual({ ok: true, json: c.expected.json, reencoded: c.input.hex });
      expect(toHex(encode(c.input.type, fromJson(c.input.type, c.expected.json)))).toBe(c.input.hex);
    });
  }
});
