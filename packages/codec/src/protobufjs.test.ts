import type protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { Random, randomMessage } from './random.testutil.ts';
import { DEFAULT_MAX_BYTES, decodeMessage } from './reader.ts';
import type { FieldDesc, MessageDesc } from './reflect.ts';
import { messageDesc, messageNames, protoRoot } from './schema.ts';
import { ALL, testRoot } from './testschema.testutil.ts';
import { encodeMessage } from './writer.ts';

// Proof that our own encoder and decoder speak real protobuf: protobufjs, reading the same schemas, must agree
// on every valid encoding in both directions.

interface Case {
  readonly desc: MessageDesc;
  readonly type: protobuf.Type;
}

const cases: Case[] = [
  ...messageNames().map((name) => ({ desc: messageDesc(name) as MessageDesc, type: protoRoot.lookupType(name) })),
  { desc: ALL, type: testRoot.lookupType('t.All') },
];

type Loose = Record<string, unknown>;

/** protobufjs's runtime form (Long, Buffer, member-named oneof fields) mapped to ours (bigint, Uint8Array, { case, value }). */
function fromProtobufjs(desc: MessageDesc, msg: Loose): Loose {
  const one = (f: FieldDesc, v: unknown): unknown => {
    if (f.kind === 'uint64') return BigInt(String(v)); // Long or number; Long#toString respects `unsigned`
    if (f.kind === 'bytes') return new Uint8Array(v as Uint8Array);
    if (f.kind === 'message') return fromProtobufjs(f.message as MessageDesc, v as Loose);
    return v;
  };
  const out: Loose = {};
  for (const f of desc.fields) {
    const v = msg[f.name];
    if (f.oneof !== undefined) {
      if (msg[f.oneof] === f.name) out[f.oneof] = { case: f.name, value: one(f, v) };
    } else if (f.repeated) {
      out[f.name] = (v as unknown[]).map((el) => one(f, el));
    } else if (f.kind === 'message') {
      if (v !== null && v !== undefined) out[f.name] = one(f, v);
    } else {
      out[f.name] = one(f, v);
    }
  }
  return out;
}

/** Ours mapped to the plain object protobufjs's fromObject takes. */
function toProtobufjs(desc: MessageDesc, value: Loose): Loose {
  const one = (f: FieldDesc, v: unknown): unknown => {
    if (f.kind === 'uint64') return (v as bigint).toString();
    if (f.kind === 'message') return toProtobufjs(f.message as MessageDesc, v as Loose);
    return v;
  };
  const out: Loose = {};
  for (const f of desc.fields) {
    if (f.oneof !== undefined) {
      const o = value[f.oneof] as { case: string; value: unknown } | undefined;
      if (o?.case === f.name) out[f.name] = one(f, o.value);
    } else if (f.repeated) {
      out[f.name] = (value[f.name] as unknown[]).map((el) => one(f, el));
    } else if (value[f.name] !== undefined) {
      out[f.name] = one(f, value[f.name]);
    }
  }
  return out;
}

describe('agreement with protobufjs', () => {
  const r = new Random(99);
  const samples = Array.from({ length: 1500 }, () => {
    const c = r.pick(cases);
    const value = randomMessage(r, c.desc);
    return { ...c, value, bytes: encodeMessage(c.desc, value) };
  });

  it('protobufjs decodes our encodings to the same field values', () => {
    for (const { desc, type, bytes } of samples) {
      const theirs = fromProtobufjs(desc, type.decode(bytes) as unknown as Loose);
      expect(theirs, desc.name).toEqual(decodeMessage(desc, bytes, DEFAULT_MAX_BYTES));
    }
  });

  it('protobufjs encodes our values to the same bytes', () => {
    for (const { desc, type, value, bytes } of samples) {
      const theirs = type.encode(type.fromObject(toProtobufjs(desc, value))).finish();
      expect(new Uint8Array(theirs), desc.name).toEqual(bytes);
    }
  });
});
