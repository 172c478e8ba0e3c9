/**
 * Reading the node's JSON answers (specs/rpc.md conventions): uint64 values are decimal strings and become bigint,
 * bytes are lowercase hex, embedded messages are the codec's canonical JSON. Anything else is CLIENT_BAD_RESPONSE,
 * naming the field and what was expected.
 */
import type { MessageName, MessageTypes } from '@babychain/codec';
import { fromHex, fromJson, isBabyError } from '@babychain/codec';
import { ClientErrorCode, clientError } from './errors.ts';

export type Obj = { readonly [key: string]: unknown };

const MAX_U64 = (1n << 64n) - 1n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

export function bad(path: string, expected: string, got?: unknown): Error {
  return clientError(ClientErrorCode.BAD_RESPONSE, `unexpected response: ${path} is not ${expected}`, {
    path,
    expected,
    got: describe(got),
  });
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

export function object(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(path, 'an object', v);
  return v as Obj;
}

export function string(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw bad(`${path}.${key}`, 'a string', v);
  return v;
}

export function boolean(o: Obj, key: string, path: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw bad(`${path}.${key}`, 'a boolean', v);
  return v;
}

/** A uint64: a decimal string (the spec's form); a non-negative safe integer is accepted too. */
export function u64(o: Obj, key: string, path: string): bigint {
  const v = o[key];
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = BigInt(v);
    if (n <= MAX_U64) return n;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw bad(`${path}.${key}`, 'a uint64 (decimal string)', v);
}

/** A small count or index: a non-negative safe integer (a decimal string is accepted too). */
export function count(o: Obj, key: string, path: string): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && DECIMAL.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw bad(`${path}.${key}`, 'a non-negative integer', v);
}

/** A count, or null. */
export function countOrNull(o: Obj, key: string, path: string): number | null {
  return o[key] === null ? null : count(o, key, path);
}

export function hexString(o: Obj, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !HEX.test(v)) throw bad(`${path}.${key}`, 'lowercase hex', v);
  return v;
}

export function hexBytes(o: Obj, key: string, path: string): Uint8Array {
  return fromHex(hexString(o, key, path));
}

export function array<T>(o: Obj, key: string, path: string, item: (v: unknown, path: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) throw bad(`${path}.${key}`, 'an array', v);
  return v.map((x, i) => item(x, `${path}.${key}[${i}]`));
}

export function stringItem(v: unknown, path: string): string {
  if (typeof v !== 'string') throw bad(path, 'a string', v);
  return v;
}

export function hexItem(v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string' || !HEX.test(v)) throw bad(path, 'lowercase hex', v);
  return fromHex(v);
}

export function oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw bad(`${path}.${key}`, values.map((x) => JSON.stringify(x)).join(' or '), v);
  }
  return v as T;
}

/** An embedded message in the codec's canonical JSON. */
export function message<N extends MessageName>(o: Obj, key: string, path: string, name: N): MessageTypes[N] {
  const v = o[key];
  try {
    return fromJson(name, object(v, `${path}.${key}`));
  } catch (err) {
    if (isBabyError(err, ClientErrorCode.BAD_RESPONSE)) throw err;
    throw clientError(
      ClientErrorCode.BAD_RESPONSE,
      `unexpected response: ${path}.${key} is not a canonical ${name}`,
      { path: `${path}.${key}`, expected: name, reason: isBabyError(err) ? err.code : String(err) },
      err,
    );
  }
}
