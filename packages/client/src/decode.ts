/**
 * Reading the node's JSON answers by api's schemas (specs/rpc.md conventions): every field a schema names is
 * checked, uint64 decimal strings become bigint (the schema's codec), embedded messages are the codec's canonical
 * JSON. Fields a schema does not name are left out, so that a newer node's additions do not break an older client.
 * Anything else is CLIENT_BAD_RESPONSE, naming the field and what was expected.
 */
import type { Decoded } from '@babychain/api';
import type { MessageName, MessageTypes } from '@babychain/codec';
import { fromJson, isBabyError } from '@babychain/codec';
import { IsCodec, type TSchema } from 'typebox';
import { ClientErrorCode, clientError } from './errors.ts';

export type Obj = { readonly [key: string]: unknown };

/** `T` with the fields of `Changes` in another form: bytes where the node sends hex, decoded messages. */
export type Replaced<T, Changes> = Omit<T, keyof Changes> & Changes;

/** The JSON Schema keywords api's result schemas use (TypeBox writes them). */
interface SchemaNode {
  readonly type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, TSchema>>;
  readonly required?: readonly string[];
  readonly items?: TSchema;
  readonly anyOf?: readonly TSchema[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const patterns = new Map<string, RegExp>();

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

/** Checks `json` against `schema` and returns what it names, decoded; `path` names the answer in errors. */
export function decodeAnswer<S extends TSchema>(schema: S, json: unknown, path: string): Decoded<S> {
  return read(schema, json, path) as Decoded<S>;
}

function read(schema: TSchema, value: unknown, path: string): unknown {
  const node = schema as SchemaNode;
  if (node.anyOf !== undefined) return readUnion(node.anyOf as readonly SchemaNode[], value, path);
  if ('const' in node) {
    if (value !== node.const) throw bad(path, JSON.stringify(node.const), value);
    return value;
  }
  switch (node.type) {
    case 'object': {
      const o = object(value, path);
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(node.properties ?? {})) {
        if (o[key] === undefined && !node.required?.includes(key)) continue;
        out[key] = read(property, o[key], `${path}.${key}`);
      }
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) throw bad(path, 'an array', value);
      return value.map((item, i) => read(node.items as TSchema, item, `${path}[${i}]`));
    case 'string':
      return readString(schema, value, path);
    case 'integer': {
      // As the client always has: a count sent as a decimal string is read too.
      const n = typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < (node.minimum ?? Number.MIN_SAFE_INTEGER)) {
        throw bad(path, node.minimum === 0 ? 'a non-negative integer' : 'an integer', value);
      }
      return n;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(path, 'a number', value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(path, 'a boolean', value);
      return value;
    case 'null':
      if (value !== null) throw bad(path, 'null', value);
      return value;
    default:
      // Type.Unknown(): the schema admits any JSON (a proposal's content, RPC-18), handed on as the node sent it.
      if ((schema as { '~kind'?: string })['~kind'] === 'Unknown') return value;
      throw new Error(`decode: no reader for the schema at ${path}`);
  }
}

function readString(schema: TSchema, value: unknown, path: string): unknown {
  const node = schema as SchemaNode;
  const expected = node.description ?? 'a string';
  // The only codec is the uint64 one; as the client always has, a uint64 sent as a JSON number is read too.
  const codec = IsCodec(schema) ? schema['~codec'] : undefined;
  const text = codec !== undefined && typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !fits(node, text)) throw bad(path, expected, value);
  if (codec === undefined) return text;
  try {
    return codec.decode(text);
  } catch {
    throw bad(path, expected, value);
  }
}

function fits(node: SchemaNode, text: string): boolean {
  if (text.length < (node.minLength ?? 0) || text.length > (node.maxLength ?? Number.POSITIVE_INFINITY)) return false;
  if (node.pattern === undefined) return true;
  let re = patterns.get(node.pattern);
  if (re === undefined) {
    re = new RegExp(node.pattern, 'u');
    patterns.set(node.pattern, re);
  }
  return re.test(text);
}

/**
 * A nullable value, one of some literals, or one of some objects (a `submit_txs` entry is admitted or refused):
 * the object alternative read is the one whose required fields the answer all has, the one naming the most first.
 */
function readUnion(options: readonly SchemaNode[], value: unknown, path: string): unknown {
  if (value === null && options.some((o) => o.type === 'null')) return null;
  const others = options.filter((o) => o.type !== 'null');
  if (others.every((o) => 'const' in o)) {
    if (others.some((o) => o.const === value)) return value;
    throw bad(path, others.map((o) => JSON.stringify(o.const)).join(' or '), value);
  }
  const [only] = others;
  if (others.length === 1 && only !== undefined) return read(only, value, path);
  const o = object(value, path);
  const best = others
    .filter((option) => (option.required ?? []).every((key) => o[key] !== undefined))
    .sort((a, b) => (b.required?.length ?? 0) - (a.required?.length ?? 0))[0];
  if (best === undefined) throw bad(path, others.map((option) => option.title ?? 'an object').join(' or '), value);
  return read(best, o, path);
}

/** An embedded message in the codec's canonical JSON: the codec owns that shape (ENC canonical JSON). */
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
