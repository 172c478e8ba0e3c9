/**
 * The one error type of Babychain. Every domain defines its own code table (a frozen object of
 * prefixed string values, e.g. `CODEC_UNKNOWN_FIELD`); the same code string reaches RPC clients
 * and test vectors, so codes are part of the protocol and never renamed.
 */
export class BabyError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly meta: Readonly<Record<string, unknown>>;

  constructor(code: Code, message: string, meta: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BabyError';
    this.code = code;
    this.meta = meta;
  }
}

/** True when `err` is a BabyError, optionally with one of the given codes. */
export function isBabyError<Code extends string>(err: unknown, ...codes: Code[]): err is BabyError<Code> {
  if (!(err instanceof BabyError)) return false;
  return codes.length === 0 || codes.includes(err.code as Code);
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

/** Where a codec error happened: the message type, the field if known, and the byte offset in the input. */
export interface CodecErrorMeta {
  readonly type: string;
  readonly field?: string;
  readonly offset: number;
  readonly rule: string;
  readonly [k: string]: unknown;
}

export function codecError(
  code: CodecErrorCodeValue,
  message: string,
  meta: CodecErrorMeta,
): BabyError<CodecErrorCodeValue> {
  return new BabyError(code, message, { ...meta });
}
