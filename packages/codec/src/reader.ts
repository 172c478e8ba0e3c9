import type { BabyError, CodecErrorCodeValue } from './errors.ts';
import { CodecErrorCode as C, codecError } from './errors.ts';
import type { FieldDesc, MessageDesc } from './reflect.ts';
import { defaultScalar } from './values.ts';

/** ENC-9 */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** ENC-9: the top-level message is depth 0; an embedded message deeper than this is refused. */
export const MAX_DEPTH = 32;

const UINT32_MAX = 0xffffffff;
const TWO_POW_7 = [1, 2 ** 7, 2 ** 14, 2 ** 21, 2 ** 28, 2 ** 35, 2 ** 42];

// fatal: no U+FFFD replacement; ignoreBOM: keep a leading U+FEFF as content (ENC-8 keeps strings byte-for-byte).
// The WHATWG decoder already refuses overlong forms, surrogates and code points above U+10FFFF.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Decoded = Record<string, unknown>;

/**
 * A strict single-pass decoder. Every check runs in the order of ENC-12 so that the first broken rule, not an
 * implementation accident, decides the error code.
 */
class Reader {
  readonly buf: Uint8Array;
  pos = 0;
  /** message type and field being read, for error metadata */
  type = '';
  field: string | undefined;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  fail(code: CodecErrorCodeValue, rule: string, message: string, offset: number): BabyError<CodecErrorCodeValue> {
    const where = this.field === undefined ? this.type : `${this.type}.${this.field}`;
    return codecError(code, `${where} at byte ${offset}: ${message}`, {
      type: this.type,
      ...(this.field === undefined ? {} : { field: this.field }),
      offset,
      rule,
    });
  }

  /** ENC-2: validates the varint at pos (bounded by `end`), advances past it and returns its start. */
  private scanVarint(end: number): number {
    const start = this.pos;
    const buf = this.buf;
    let p = start;
    for (let i = 0; ; i++) {
      if (p >= end) throw this.fail(C.TRUNCATED, 'ENC-2', 'varint cut off', start);
      const b = buf[p++] as number;
      if (i === 9 && b > 1) throw this.fail(C.VARINT_OVERFLOW, 'ENC-2', 'varint exceeds 64 bits', start);
      if (b < 0x80) {
        if (i > 0 && b === 0) throw this.fail(C.NON_MINIMAL_VARINT, 'ENC-2', 'varint has a trailing zero byte', start);
        this.pos = p;
        return start;
      }
    }
  }

  /** Exact below 2^53; larger values come back approximate but still above every limit they are compared with. */
  varint(end: number): number {
    const start = this.scanVarint(end);
    const n = this.pos - start;
    if (n > 7) return Number(this.bigFrom(start));
    let v = 0;
    for (let i = 0; i < n; i++) v += ((this.buf[start + i] as number) & 0x7f) * (TWO_POW_7[i] as number);
    return v;
  }

  varint64(end: number): bigint {
    const start = this.scanVarint(end);
    if (this.pos - start <= 7) {
      let v = 0;
      for (let i = start; i < this.pos; i++) v += ((this.buf[i] as number) & 0x7f) * (TWO_POW_7[i - start] as number);
      return BigInt(v);
    }
    return this.bigFrom(start);
  }

  private bigFrom(start: number): bigint {
    let v = 0n;
    for (let i = this.pos - 1; i >= start; i--) v = (v << 7n) | BigInt((this.buf[i] as number) & 0x7f);
    return v;
  }

  /** Reads a length prefix; returns the end of the length-delimited value. */
  lengthDelimited(end: number): number {
    const at = this.pos;
    const len = this.varint(end);
    if (len > end - this.pos) {
      throw this.fail(C.TRUNCATED, 'ENC-2', `length ${len} exceeds the ${end - this.pos} remaining bytes`, at);
    }
    return this.pos + len;
  }
}

function fieldValue(r: Reader, f: FieldDesc, end: number, depth: number, inRepeated: boolean): unknown {
  const at = r.pos;
  switch (f.kind) {
    case 'uint32': {
      const v = r.varint(end);
      if (v > UINT32_MAX) throw r.fail(C.VARINT_OVERFLOW, 'ENC-2', `${v} exceeds the uint32 range`, at);
      if (v === 0 && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'default value 0 is encoded', at);
      return v;
    }
    case 'uint64': {
      const v = r.varint64(end);
      if (v === 0n && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'default value 0 is encoded', at);
      return v;
    }
    case 'bool': {
      const v = r.varint(end);
      // 0 is the default (ENC-5) rather than a malformed bool; only values above 1 break ENC-8.
      if (v > 1) throw r.fail(C.INVALID_BOOL, 'ENC-8', `bool encoded as ${v}`, at);
      if (v === 0 && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'default value false is encoded', at);
      return v === 1;
    }
    case 'enum': {
      const v = r.varint(end);
      if (f.enumValues?.has(v) !== true) {
        throw r.fail(C.INVALID_ENUM, 'ENC-8', `${v} is not a value of ${f.typeName ?? 'the enum'}`, at);
      }
      if (v === 0 && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'default enum value 0 is encoded', at);
      return v;
    }
    case 'string': {
      const stop = r.lengthDelimited(end);
      let s: string;
      try {
        s = utf8.decode(r.buf.subarray(r.pos, stop));
      } catch {
        throw r.fail(C.INVALID_UTF8, 'ENC-8', 'string is not well-formed UTF-8', at);
      }
      if (s === '' && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'empty string is encoded', at);
      r.pos = stop;
      return s;
    }
    case 'bytes': {
      const stop = r.lengthDelimited(end);
      if (stop === r.pos && !inRepeated) throw r.fail(C.DEFAULT_VALUE, 'ENC-5', 'empty bytes are encoded', at);
      // A copy, so a retained field does not pin the whole input buffer (a block) in memory.
      const v = new Uint8Array(r.buf.subarray(r.pos, stop));
      r.pos = stop;
      return v;
    }
    case 'message': {
      const stop = r.lengthDelimited(end);
      const desc = f.message;
      if (desc === undefined) throw new Error(`codec schema: ${f.name} has no message descriptor`);
      if (depth + 1 > MAX_DEPTH) {
        throw r.fail(C.TOO_DEEP, 'ENC-9', `messages nest deeper than ${MAX_DEPTH}`, at);
      }
      return readMessage(r, desc, stop, depth + 1);
    }
  }
}

function readPacked(r: Reader, f: FieldDesc, out: unknown[], end: number, depth: number): void {
  const at = r.pos;
  const stop = r.lengthDelimited(end);
  if (stop === r.pos) throw r.fail(C.DEFAULT_VALUE, 'ENC-6', 'empty packed field is encoded', at);
  while (r.pos < stop) out.push(fieldValue(r, f, stop, depth, true));
}

function readMessage(r: Reader, desc: MessageDesc, end: number, depth: number): Decoded {
  const outerType = r.type;
  const outerField = r.field;
  r.type = desc.name;
  r.field = undefined;
  const out = defaults(desc);
  let last = 0;
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.varint(end);
    // The low three bits come straight from the first byte: exact even when `tag` is beyond 2^53.
    const wireType = (r.buf[tagAt] as number) & 7;
    const number = Math.floor(tag / 8);
    if (number === 0) throw r.fail(C.INVALID_TAG, 'ENC-4', 'field number 0', tagAt);
    if (wireType === 3 || wireType === 4 || wireType === 6 || wireType === 7) {
      throw r.fail(C.INVALID_TAG, 'ENC-4', `wire type ${wireType} is not allowed`, tagAt);
    }
    const f = desc.byNumber.get(number);
    if (f === undefined) throw r.fail(C.UNKNOWN_FIELD, 'ENC-4', `unknown field number ${number}`, tagAt);
    r.field = f.name;
    if (number < last) throw r.fail(C.FIELD_ORDER, 'ENC-3', `field ${number} after field ${last}`, tagAt);
    if (number === last && (!f.repeated || f.packed)) {
      throw r.fail(C.DUPLICATE_FIELD, 'ENC-3', `field ${number} appears twice`, tagAt);
    }
    if (f.oneof !== undefined && out[f.oneof] !== undefined) {
      throw r.fail(C.ONEOF_MULTIPLE, 'ENC-7', `a second member of oneof ${f.oneof} is present`, tagAt);
    }
    if (wireType !== f.wireType) {
      throw r.fail(C.WIRE_TYPE, 'ENC-4', `wire type ${wireType}, expected ${f.wireType}`, tagAt);
    }
    last = number;
    if (f.packed) readPacked(r, f, out[f.name] as unknown[], end, depth);
    else if (f.repeated) (out[f.name] as unknown[]).push(fieldValue(r, f, end, depth, true));
    else if (f.oneof !== undefined) out[f.oneof] = { case: f.name, value: fieldValue(r, f, end, depth, false) };
    else out[f.name] = fieldValue(r, f, end, depth, false);
    r.field = undefined;
  }
  r.type = outerType;
  r.field = outerField;
  return out;
}

/** A message with every scalar and repeated property at its default; messages and oneofs absent. */
export function defaults(desc: MessageDesc): Decoded {
  const out: Decoded = {};
  for (const f of desc.fields) {
    if (f.oneof !== undefined || (f.kind === 'message' && !f.repeated)) continue;
    out[f.name] = f.repeated ? [] : defaultScalar(f.kind);
  }
  return out;
}

export interface DecodeOptions {
  /** ENC-9: larger input is refused before parsing (default 4 MiB). */
  readonly maxBytes?: number;
}

export function decodeMessage(desc: MessageDesc, bytes: Uint8Array, maxBytes: number): Decoded {
  const r = new Reader(bytes);
  r.type = desc.name;
  if (bytes.length > maxBytes) {
    throw r.fail(C.OVERSIZED, 'ENC-9', `${bytes.length} bytes exceed the limit of ${maxBytes}`, 0);
  }
  return readMessage(r, desc, bytes.length, 0);
}
