import type { BabyError, CodecErrorCodeValue } from './errors.ts';
import { CodecErrorCode as C, codecError } from './errors.ts';
import { fromHex, toHex } from './hash.ts';
import type { FieldDesc, MessageDesc } from './reflect.ts';
import {
  defaultScalar,
  describe,
  isDefault,
  isOneofValue,
  isPlainObject,
  scalarProblem,
  UINT64_MAX,
} from './values.ts';

/**
 * Canonical JSON (test-vectors/README.md): every field under its camelCase name, uint64 as a decimal string,
 * bytes as lowercase hex, an absent message or oneof as null, a oneof as { case, value }. One value has exactly
 * one JSON form, so vectors can compare it with deep equality.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function fail(type: string, path: string, message: string): BabyError<CodecErrorCodeValue> {
  return codecError(C.INVALID_VALUE, `${type}${path === '' ? '' : ` ${path}`}: ${message}`, {
    type,
    field: path,
    offset: 0,
    rule: 'ENC-11',
  });
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function scalarToJson(type: string, path: string, f: FieldDesc, v: unknown): JsonValue {
  const problem = scalarProblem(f.kind, v);
  if (problem !== undefined) throw fail(type, path, problem);
  switch (f.kind) {
    case 'uint64':
      return (v as bigint).toString(10);
    case 'bytes':
      return toHex(v as Uint8Array);
    case 'message': {
      const desc = f.message;
      if (desc === undefined) throw new Error(`codec schema: ${f.name} has no message descriptor`);
      return messageToJson(desc, v as Record<string, unknown>, path);
    }
    default:
      return v as JsonValue;
  }
}

export function messageToJson(desc: MessageDesc, value: unknown, path = ''): { [key: string]: JsonValue } {
  if (!isPlainObject(value)) throw fail(desc.name, path, `expected a message object, got ${describe(value)}`);
  const out: { [key: string]: JsonValue } = {};
  for (const m of desc.members) {
    if (m.kind === 'oneof') {
      const o = value[m.oneof.name];
      const p = join(path, m.oneof.name);
      if (o === undefined) {
        out[m.oneof.name] = null;
        continue;
      }
      if (!isOneofValue(o)) throw fail(desc.name, p, 'a oneof is undefined or { case, value }');
      const member = m.oneof.fields.find((f) => f.name === o.case);
      if (member === undefined) throw fail(desc.name, p, `"${String(o.case)}" is not a member of ${m.oneof.name}`);
      out[m.oneof.name] = { case: member.name, value: scalarToJson(desc.name, `${p}.value`, member, o.value) };
      continue;
    }
    const f = m.field;
    const v = value[f.name];
    const p = join(path, f.name);
    if (f.repeated) {
      if (!Array.isArray(v)) throw fail(desc.name, p, `expected an array, got ${describe(v)}`);
      out[f.name] = v.map((el, i) => scalarToJson(desc.name, `${p}[${i}]`, f, el));
    } else if (f.kind === 'message' && v === undefined) {
      out[f.name] = null;
    } else {
      out[f.name] = scalarToJson(desc.name, p, f, v);
    }
  }
  return out;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

function scalarFromJson(type: string, path: string, f: FieldDesc, j: unknown): unknown {
  switch (f.kind) {
    case 'uint64': {
      if (typeof j !== 'string' || !DECIMAL.test(j)) throw fail(type, path, 'a uint64 is a decimal string');
      const v = BigInt(j);
      if (v > UINT64_MAX) throw fail(type, path, `${j} is outside the uint64 range`);
      return v;
    }
    case 'bytes':
      if (typeof j !== 'string' || !HEX.test(j)) throw fail(type, path, 'bytes are a lowercase hex string');
      return fromHex(j);
    case 'message': {
      const desc = f.message;
      if (desc === undefined) throw new Error(`codec schema: ${f.name} has no message descriptor`);
      return messageFromJson(desc, j, path);
    }
    default: {
      const problem = scalarProblem(f.kind, j);
      if (problem !== undefined) throw fail(type, path, problem);
      if (f.kind === 'enum' && f.enumValues?.has(j as number) !== true) {
        throw fail(type, path, `${String(j)} is not a value of ${f.typeName ?? 'the enum'}`);
      }
      return j;
    }
  }
}

/**
 * The value of a canonical JSON object. Missing keys take their defaults (hand-written JSON stays short);
 * unknown keys and wrong types throw CODEC_INVALID_VALUE.
 */
export function messageFromJson(desc: MessageDesc, json: unknown, path = ''): Record<string, unknown> {
  if (!isPlainObject(json)) throw fail(desc.name, path, `expected a JSON object, got ${describe(json)}`);
  for (const key of Object.keys(json)) {
    if (!desc.memberNames.has(key)) throw fail(desc.name, join(path, key), 'unknown key');
  }
  const out: Record<string, unknown> = {};
  for (const m of desc.members) {
    if (m.kind === 'oneof') {
      const j = json[m.oneof.name];
      const p = join(path, m.oneof.name);
      if (j === undefined || j === null) continue;
      if (!isOneofValue(j) || Object.keys(j).length !== 2) {
        throw fail(desc.name, p, 'a oneof is null or { "case", "value" }');
      }
      const member = m.oneof.fields.find((f) => f.name === j.case);
      if (member === undefined) throw fail(desc.name, p, `"${String(j.case)}" is not a member of ${m.oneof.name}`);
      const value = scalarFromJson(desc.name, `${p}.value`, member, j.value);
      if (member.kind !== 'message' && isDefault(member.kind, value)) {
        throw fail(desc.name, p, `oneof member ${member.name} holds its default value, which has no encoding`);
      }
      out[m.oneof.name] = { case: member.name, value };
      continue;
    }
    const f = m.field;
    const j = json[f.name];
    const p = join(path, f.name);
    if (f.repeated) {
      if (j === undefined) out[f.name] = [];
      else if (!Array.isArray(j)) throw fail(desc.name, p, `expected an array, got ${describe(j)}`);
      else out[f.name] = j.map((el, i) => scalarFromJson(desc.name, `${p}[${i}]`, f, el));
    } else if (f.kind === 'message') {
      if (j !== undefined && j !== null) out[f.name] = scalarFromJson(desc.name, p, f, j);
    } else {
      out[f.name] = j === undefined ? defaultScalar(f.kind) : scalarFromJson(desc.name, p, f, j);
    }
  }
  return out;
}
