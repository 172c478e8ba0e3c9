/**
 * The one error type of Babychain. Every domain defines its own code table (a frozen object of
 * prefixed string values, e.g. `CODEC_UNKNOWN_FIELD`); the same code string reaches RPC clients
 * and test vectors, so codes are part of the protocol and never renamed. Each code's `meta` has the shape its
 * package registers in `BabyErrorMeta` (docs/architecture.md, Conventions).
 */
export class BabyError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly meta: Readonly<MetaOf<Code>>;

  constructor(code: Code, message: string, ...[meta, options]: MetaArgs<Code>) {
    super(message, options);
    this.name = 'BabyError';
    this.code = code;
    // MetaArgs lets meta be left out only where every field of the shape is optional, so `{}` is of that shape.
    this.meta = meta ?? ({} as MetaOf<Code>);
  }
}

/** True when `err` is a BabyError, optionally with one of the given codes (then `meta` has their shape). */
export function isBabyError<Code extends string>(err: unknown, ...codes: Code[]): err is BabyError<Code> {
  if (!(err instanceof BabyError)) return false;
  return codes.length === 0 || codes.includes(err.code as Code);
}

/**
 * The meta fields more than one domain sets, declared once so that each means the same wherever it appears. Meta
 * shapes are type aliases, not interfaces: a BabyError of one code must still pass where any BabyError is taken.
 */
export type ErrorMeta = {
  /** the spec rule broken (`TX-9`, `GEN-6`): vectors and clients tell cases apart by it */
  rule?: string;
  /** which case of a code that covers several (CONS-*, LCH-*) */
  reason?: string;
  /** the failing transaction's place in its block, added when a block carries it (BLK-*) */
  txIndex?: number;
  /** the mempool answered from its cache of recent rejections */
  cached?: boolean;
  /** the file a refused input came from */
  file?: string;
};

/** A value other than the one a rule requires. */
export type Mismatch<T> = { expected: T; got: T };

/** The meta of a code; a code no table declares (a remote node's, a test's) carries any JSON-safe fields. */
export type MetaOf<Code extends string> = Code extends keyof BabyErrorMeta
  ? BabyErrorMeta[Code]
  : Readonly<Record<string, unknown>>;

/**
 * The arguments after the message, of the constructor (`Then` = ErrorOptions) and of a package's helper (`Then` =
 * its cause): meta may be left out only when its shape has no required field.
 */
export type MetaArgs<Code extends string, Then = ErrorOptions> =
  Record<string, never> extends MetaOf<Code>
    ? [meta?: MetaOf<Code>, then?: Then | undefined]
    : [meta: MetaOf<Code>, then?: Then | undefined];

/** A domain's error helper: `new BabyError` for that domain's codes only, so another table's code does not compile. */
export function errorHelper<Codes extends string>() {
  return <Code extends Codes>(code: Code, message: string, ...meta: MetaArgs<Code>): BabyError<Code> =>
    new BabyError(code, message, ...meta);
}

/** A spec rule's refusal: `rule` comes first in its meta, the key order its JSON has always had (RPC-13). */
export function ruleError<Code extends string>(
  code: Code,
  message: string,
  rule: string,
  ...[meta]: MetaArgs<Code, never>
): BabyError {
  // the call checked meta against Code's shape; a spread of a generic shape is beyond what tsc can prove
  return new BabyError<string>(code, message, { rule, ...meta });
}

/** Helper type: the union of a code table's values. */
export type CodeOf<Table extends Readonly<Record<string, string>>> = Table[keyof Table];

/**
 * Codes of the canonical encoding rules (specs/encoding.md, ENC-*). Protocol values: never renamed, and each
 * one names the first rule an input breaks in the check order of ENC-12.
 */
export const CodecErrorCode = Object.freeze({
  TRUNCATED: 'CODEC_TRUNCATED',
  NON_MINIMAL_VARINT: 'CODEC_NON_MINIMAL_VARINT',
  VARINT_OVERFLOW: 'CODEC_VARINT_OVERFLOW',
  FIELD_ORDER: 'CODEC_FIELD_ORDER',
  DUPLICATE_FIELD: 'CODEC_DUPLICATE_FIELD',
  UNKNOWN_FIELD: 'CODEC_UNKNOWN_FIELD',
  INVALID_TAG: 'CODEC_INVALID_TAG',
  WIRE_TYPE: 'CODEC_WIRE_TYPE',
  DEFAULT_VALUE: 'CODEC_DEFAULT_VALUE',
  ONEOF_MULTIPLE: 'CODEC_ONEOF_MULTIPLE',
  INVALID_UTF8: 'CODEC_INVALID_UTF8',
  INVALID_BOOL: 'CODEC_INVALID_BOOL',
  INVALID_ENUM: 'CODEC_INVALID_ENUM',
  OVERSIZED: 'CODEC_OVERSIZED',
  TOO_DEEP: 'CODEC_TOO_DEEP',
  INVALID_VALUE: 'CODEC_INVALID_VALUE',
} as const);

export type CodecErrorCodeValue = CodeOf<typeof CodecErrorCode>;

/**
 * TX-2's code. Its table is the state package's TxErrorCode, which codec cannot import (codec is the bottom
 * layer); decodeTx needs it because the size check must run before any parsing.
 */
export const TX_TOO_LARGE = 'TX_TOO_LARGE';

/**
 * Where a codec error happened: the message type, and where known the field, its path, the byte offset in the input
 * and the input's size.
 */
export type CodecErrorMeta = ErrorMeta & {
  type: string;
  field?: string;
  path?: string;
  offset?: number;
  size?: number;
};

/**
 * The meta shape of every code, keyed by the code string. Each other package adds its codes by declaration merging
 * beside its code table (`declare module '@babychain/codec'`), so a code's shape is found from the code alone.
 */
export interface BabyErrorMeta extends Record<CodecErrorCodeValue, CodecErrorMeta> {
  [TX_TOO_LARGE]: CodecErrorMeta & { size: number };
}

/** The decoder always knows the offset and the ENC rule (ENC-12). */
export function codecError(
  code: CodecErrorCodeValue,
  message: string,
  meta: CodecErrorMeta & { offset: number; rule: string },
): BabyError<CodecErrorCodeValue> {
  return new BabyError(code, message, meta);
}
