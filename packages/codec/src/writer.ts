import type { BabyError, CodecErrorCodeValue } from './errors.ts';
import { CodecErrorCode as C, codecError } from './errors.ts';
import { MAX_DEPTH } from './reader.ts';
import type { FieldDesc, MessageDesc } from './reflect.ts';
import type { OneofValue } from './values.ts';
import { describe, isDefault, isOneofValue, isPlainObject, scalarProblem } from './values.ts';

const utf8 = new TextEncoder();

class Writer {
  buf = new Uint8Array(256);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Any safe integer. */
  varint(v: number): void {
    this.ensure(10);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  varint64(v: bigint): void {
    if (v <= 0x1fffffffffffffn) {
      this.varint(Number(v));
      return;
    }
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  tag(number: number, wireType: number): void {
    this.varint(number * 8 + wireType);
  }

  /** Writes what `body` writes, prefixed with its length: the body is written first, then moved right. */
  delimited(body: () => void): void {
    const start = this.pos;
    body();
    const len = this.pos - start;
    let prefix = 1;
    for (let l = len; l > 0x7f; l = Math.floor(l / 128)) prefix++;
    this.ensure(prefix);
    this.buf.copyWithin(start + prefix, start, this.pos);
    const end = this.pos + prefix;
    this.pos = start;
    this.varint(len);
    this.pos = end;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

interface Ctx {
  readonly w: Writer;
  path: string;
  type: string;
  field: string | undefined;
}

function fail(ctx: Ctx, message: string, code: CodecErrorCodeValue = C.INVALID_VALUE): BabyError<CodecErrorCodeValue> {
  const rule = code === C.TOO_DEEP ? 'ENC-9' : 'ENC-11';
  return codecError(code, `cannot encode ${ctx.path || ctx.type}: ${message}`, {
    type: ctx.type,
    ...(ctx.field === undefined ? {} : { field: ctx.field }),
    offset: ctx.w.pos,
    rule,
    path: ctx.path,
  });
}

/** Checks one value of field `f` (a scalar, or a message object) and returns it typed for writing. */
function check(ctx: Ctx, f: FieldDesc, v: unknown): void {
  const problem = scalarProblem(f.kind, v);
  if (problem !== undefined) throw fail(ctx, problem);
  if (f.kind === 'enum' && f.enumValues?.has(v as number) !== true) {
    throw fail(ctx, `${String(v)} is not a value of ${f.typeName ?? 'the enum'}`);
  }
}

function writeValue(ctx: Ctx, f: FieldDesc, v: unknown, depth: number): void {
  const w = ctx.w;
  switch (f.kind) {
    case 'uint32':
    case 'enum':
      w.varint(v as number);
      break;
    case 'uint64':
      w.varint64(v as bigint);
      break;
    case 'bool':
      w.varint(v === true ? 1 : 0);
      break;
    case 'string':
      w.bytes(utf8.encode(v as string));
      break;
    case 'bytes':
      w.bytes(v as Uint8Array);
      break;
    case 'message': {
      const desc = f.message;
      if (desc === undefined) throw new Error(`codec schema: ${f.name} has no message descriptor`);
      if (depth + 1 > MAX_DEPTH) throw fail(ctx, `messages nest deeper than ${MAX_DEPTH}`, C.TOO_DEEP);
      w.delimited(() => writeMessage(ctx, desc, v as Record<string, unknown>, depth + 1));
      break;
    }
  }
}

function writeField(ctx: Ctx, f: FieldDesc, v: unknown, depth: number): void {
  const w = ctx.w;
  if (f.repeated) {
    if (!Array.isArray(v)) throw fail(ctx, `expected an array, got ${describe(v)}`);
    const base = ctx.path;
    v.forEach((el, i) => {
      ctx.path = `${base}[${i}]`;
      check(ctx, f, el);
    });
    ctx.path = base;
    if (v.length === 0) return;
    if (f.packed) {
      w.tag(f.number, 2);
      w.delimited(() => {
        for (const el of v) writeValue(ctx, f, el, depth);
      });
      return;
    }
    v.forEach((el, i) => {
      ctx.path = `${base}[${i}]`;
      w.tag(f.number, 2);
      writeValue(ctx, f, el, depth);
    });
    ctx.path = base;
    return;
  }
  if (f.kind === 'message') {
    // Presence (ENC-5): undefined is "not set"; anything else must be a message, even an empty one.
    if (v === undefined) return;
    check(ctx, f, v);
  } else {
    check(ctx, f, v);
    if (isDefault(f.kind, v)) return;
  }
  w.tag(f.number, f.wireType);
  writeValue(ctx, f, v, depth);
}

function writeMessage(ctx: Ctx, desc: MessageDesc, value: Record<string, unknown>, depth: number): void {
  const outerType = ctx.type;
  const outerPath = ctx.path;
  const outerField = ctx.field;
  ctx.type = desc.name;
  for (const key of Object.keys(value)) {
    // A property the schema does not know would be silently dropped, so decode(encode(x)) would differ from x.
    if (!desc.memberNames.has(key) && value[key] !== undefined) {
      ctx.field = key;
      throw fail(ctx, `unknown property "${key}"`);
    }
  }
  for (const oneof of desc.oneofs) {
    const o = value[oneof.name];
    ctx.field = oneof.name;
    ctx.path = outerPath === '' ? oneof.name : `${outerPath}.${oneof.name}`;
    if (o === undefined) continue;
    if (!isOneofValue(o)) throw fail(ctx, 'a oneof is undefined or { case, value }');
    const member = oneof.fields.find((f) => f.name === o.case);
    if (member === undefined) throw fail(ctx, `"${String(o.case)}" is not a member of oneof ${oneof.name}`);
    if (member.kind !== 'message') {
      check(ctx, member, o.value);
      // ENC-5 leaves a default-valued member off the wire, and then the oneof would decode as unset.
      if (isDefault(member.kind, o.value)) throw fail(ctx, `oneof member ${member.name} holds its default value`);
    }
  }
  for (const f of desc.fields) {
    ctx.field = f.name;
    if (f.oneof === undefined) {
      ctx.path = outerPath === '' ? f.name : `${outerPath}.${f.name}`;
      writeField(ctx, f, value[f.name], depth);
      continue;
    }
    const o = value[f.oneof] as OneofValue | undefined;
    if (o === undefined || o.case !== f.name) continue;
    ctx.path = outerPath === '' ? `${f.oneof}.value` : `${outerPath}.${f.oneof}.value`;
    if (f.kind === 'message') check(ctx, f, o.value);
    ctx.w.tag(f.number, f.wireType);
    writeValue(ctx, f, o.value, depth);
  }
  ctx.type = outerType;
  ctx.path = outerPath;
  ctx.field = outerField;
}

export function encodeMessage(desc: MessageDesc, value: unknown): Uint8Array {
  const ctx: Ctx = { w: new Writer(), path: '', type: desc.name, field: undefined };
  if (!isPlainObject(value)) throw fail(ctx, `expected a message object, got ${describe(value)}`);
  writeMessage(ctx, desc, value, 0);
  return ctx.w.finish();
}
