import type { FieldKind } from './reflect.ts';

export const UINT32_MAX = 0xffffffff;
export const UINT64_MAX = (1n << 64n) - 1n;

export function defaultScalar(kind: FieldKind): unknown {
  switch (kind) {
    case 'uint64':
      return 0n;
    case 'uint32':
    case 'enum':
      return 0;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'message':
      return undefined;
  }
}

// A lone surrogate has no UTF-8 form: TextEncoder would silently turn it into U+FFFD, breaking decode(encode(x)) == x.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `v` is not a valid value of a scalar `kind` (ENC-11), or undefined when it is. Enum membership is the
 * caller's (it needs the enum's values).
 */
export function scalarProblem(kind: FieldKind, v: unknown): string | undefined {
  switch (kind) {
    case 'uint64':
      if (typeof v !== 'bigint') return `expected a bigint, got ${describe(v)}`;
      if (v < 0n || v > UINT64_MAX) return `${v} is outside the uint64 range`;
      return undefined;
    case 'uint32':
    case 'enum':
      if (typeof v !== 'number') return `expected a number, got ${describe(v)}`;
      if (!Number.isInteger(v)) return `${v} is not an integer`;
      if (v < 0 || v > UINT32_MAX) return `${v} is outside the uint32 range`;
      return undefined;
    case 'bool':
      return typeof v === 'boolean' ? undefined : `expected a boolean, got ${describe(v)}`;
    case 'string':
      if (typeof v !== 'string') return `expected a string, got ${describe(v)}`;
      return LONE_SURROGATE.test(v) ? 'string contains a lone surrogate (no UTF-8 form)' : undefined;
    case 'bytes':
      return v instanceof Uint8Array ? undefined : `expected a Uint8Array, got ${describe(v)}`;
    case 'message':
      return isPlainObject(v) ? undefined : `expected a message object, got ${describe(v)}`;
  }
}

export function isDefault(kind: FieldKind, v: unknown): boolean {
  switch (kind) {
    case 'uint64':
      return v === 0n;
    case 'uint32':
    case 'enum':
      return v === 0;
    case 'bool':
      return v === false;
    case 'string':
      return v === '';
    case 'bytes':
      return (v as Uint8Array).length === 0;
    case 'message':
      return false;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The runtime shape of a oneof property; `isOneofValue` narrows unknown input to it. */
export interface OneofValue {
  readonly case: unknown;
  readonly value: unknown;
}

export function isOneofValue(v: unknown): v is OneofValue {
  return isPlainObject(v) && 'case' in v && 'value' in v;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'a Uint8Array';
  return typeof v;
}
