import { CodecErrorCode as C, codecError } from './errors.ts';
import type { JsonValue } from './json.ts';
import { messageFromJson, messageToJson } from './json.ts';
import type { DecodeOptions } from './reader.ts';
import { DEFAULT_MAX_BYTES, decodeMessage, defaults } from './reader.ts';
import type { MessageDesc } from './reflect.ts';
import type { MessageName, MessageTypes } from './schema.ts';
import { messageDesc } from './schema.ts';
import { describe, isOneofValue, isPlainObject } from './values.ts';
import { encodeMessage } from './writer.ts';

export type { DecodeOptions, JsonValue, MessageName };

/** What `create` accepts: any subset of the fields, nested messages (and oneof message values) partial too. */
export type MessageInit<T> = { [K in keyof T]?: InitValue<T[K]> };
type InitValue<V> = V extends Uint8Array | bigint | number | string | boolean | undefined
  ? V
  : V extends readonly (infer E)[]
    ? InitValue<E>[]
    : V extends { case: infer C; value: infer X }
      ? { case: C; value: InitValue<X> }
      : MessageInit<V>;

function desc(name: string): MessageDesc {
  const d = messageDesc(name);
  if (d === undefined) {
    throw codecError(C.INVALID_VALUE, `unknown message type "${name}"`, { type: name, offset: 0, rule: 'ENC-11' });
  }
  return d;
}

/** The canonical encoding of `value` (ENC-1 to ENC-8). Throws CODEC_INVALID_VALUE for what has none (ENC-11). */
export function encode<N extends MessageName>(name: N, value: MessageTypes[N]): Uint8Array {
  return encodeMessage(desc(name), value);
}

/**
 * Decodes canonical bytes, refusing anything else with the BabyError code of the first broken rule (ENC-12).
 * The result has every scalar and repeated property; absent messages and oneofs are left out.
 */
export function decode<N extends MessageName>(name: N, bytes: Uint8Array, opts: DecodeOptions = {}): MessageTypes[N] {
  const d = desc(name);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(bytes instanceof Uint8Array)) {
    throw codecError(C.INVALID_VALUE, `decode needs a Uint8Array, got ${describe(bytes)}`, {
      type: name,
      offset: 0,
      rule: 'ENC-11',
    });
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw codecError(C.INVALID_VALUE, `maxBytes must be a non-negative integer, got ${maxBytes}`, {
      type: name,
      offset: 0,
      rule: 'ENC-9',
    });
  }
  return decodeMessage(d, bytes, maxBytes) as unknown as MessageTypes[N];
}

function fill(d: MessageDesc, init: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(init)) {
    throw codecError(C.INVALID_VALUE, `${d.name} ${path}: expected an object, got ${describe(init)}`, {
      type: d.name,
      field: path,
      offset: 0,
      rule: 'ENC-11',
    });
  }
  const out = defaults(d);
  for (const [key, v] of Object.entries(init)) {
    if (v === undefined) continue;
    if (!d.memberNames.has(key)) {
      throw codecError(C.INVALID_VALUE, `${d.name}: unknown property "${key}"`, {
        type: d.name,
        field: key,
        offset: 0,
        rule: 'ENC-11',
      });
    }
    out[key] = v;
  }
  for (const f of d.fields) {
    const sub = f.message;
    if (sub === undefined) continue;
    const p = path === '' ? f.name : `${path}.${f.name}`;
    if (f.oneof !== undefined) {
      const o = out[f.oneof];
      if (isOneofValue(o) && o.case === f.name) out[f.oneof] = { case: f.name, value: fill(sub, o.value, p) };
    } else if (f.repeated) {
      const list = out[f.name];
      if (Array.isArray(list)) out[f.name] = list.map((el, i) => fill(sub, el, `${p}[${i}]`));
    } else if (out[f.name] !== undefined) {
      out[f.name] = fill(sub, out[f.name], p);
    }
  }
  return out;
}

/** A message with every field not given in `init` at its default (nested messages filled the same way). */
export function create<N extends MessageName>(name: N, init: MessageInit<MessageTypes[N]> = {}): MessageTypes[N] {
  return fill(desc(name), init, '') as unknown as MessageTypes[N];
}

/** Canonical JSON of a value (test vectors, debugging): uint64 as decimal strings, bytes as lowercase hex. */
export function toJson<N extends MessageName>(name: N, value: MessageTypes[N]): { [key: string]: JsonValue } {
  return messageToJson(desc(name), value);
}

/** The value of canonical JSON; missing keys take their defaults. Throws CODEC_INVALID_VALUE on anything else. */
export function fromJson<N extends MessageName>(name: N, json: unknown): MessageTypes[N] {
  return messageFromJson(desc(name), json) as unknown as MessageTypes[N];
}
