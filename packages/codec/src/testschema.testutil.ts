// A schema that exercises what the protocol's schemas do not use yet (bool, enums, packed fields, recursion),
// so every rule of specs/encoding.md is tested even before a .proto needs it. Not exported from index.ts.
import { parseProto } from './codegen.ts';
import type { BabyError } from './errors.ts';
import { isBabyError } from './errors.ts';
import { DEFAULT_MAX_BYTES, decodeMessage } from './reader.ts';
import type { MessageDesc, Schema } from './reflect.ts';
import { buildSchema } from './reflect.ts';
import { encodeMessage } from './writer.ts';

export const TEST_PROTO = `
syntax = "proto3";
package t;
enum Color { NONE = 0; RED = 1; BLUE = 5; }
message All {
  uint32 u32 = 1;
  uint64 u64 = 2;
  bool flag = 3;
  string text = 4;
  bytes data = 5;
  Color color = 6;
  repeated uint32 u32s = 7;
  repeated uint64 u64s = 8;
  repeated bool flags = 9;
  repeated Color colors = 10;
  repeated string texts = 11;
  repeated bytes datas = 12;
  All child = 13;
  repeated All children = 14;
  oneof choice {
    uint64 num = 15;
    string word = 16;
    All node = 17;
  }
}
`;

export const testRoot = parseProto(TEST_PROTO);
export const testSchema: Schema = buildSchema(testRoot);

function all(): MessageDesc {
  const d = testSchema.messages.get('t.All');
  if (d === undefined) throw new Error('t.All missing');
  return d;
}
export const ALL: MessageDesc = all();

export function decodeAll(bytes: Uint8Array | number[], maxBytes = DEFAULT_MAX_BYTES): Record<string, unknown> {
  return decodeMessage(ALL, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), maxBytes);
}

export function encodeAll(value: Record<string, unknown>): Uint8Array {
  return encodeMessage(ALL, value);
}

/** The BabyError a call throws (fails the test when it throws anything else or nothing). */
export function thrown(fn: () => unknown): BabyError {
  try {
    fn();
  } catch (err) {
    if (isBabyError(err)) return err;
    throw new Error(`expected a BabyError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a BabyError, but nothing was thrown');
}

export function hex(s: string): Uint8Array {
  const clean = s.replaceAll(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}
