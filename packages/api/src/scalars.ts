/** The scalars every schema is made of (specs/rpc.md RPC-1): uint64 as decimal strings, bytes as lowercase hex. */
import type { TSchema } from 'typebox';
import { Type } from 'typebox';

// ---------------------------------------------------------------------------------------------------------------
// Scalars (RPC-1)
// ---------------------------------------------------------------------------------------------------------------

const U64_PATTERN = '^(0|[1-9][0-9]{0,19})$';
export const UINT64_MAX = (1n << 64n) - 1n;

/**
 * A uint64 as a decimal string on the wire; decoded (a client's `Decoded<>`), a bigint. Twenty digits can exceed
 * 2^64-1, so decoding checks the range the pattern cannot.
 */
export const uint64 = (description: string) =>
  Type.Codec(Type.String({ pattern: U64_PATTERN, description }))
    .Decode((text: string): bigint => {
      const value = BigInt(text);
      if (value > UINT64_MAX) throw new RangeError(`${text} exceeds 2^64-1`);
      return value;
    })
    .Encode((value: bigint): string => value.toString());

export const U64 = uint64('a uint64 as a decimal string');
export const Hex = Type.String({ pattern: '^(?:[0-9a-f]{2})*$', description: 'bytes as lowercase hex' });
export const NonEmptyHex = Type.String({
  pattern: '^(?:[0-9a-f]{2})+$',
  description: 'bytes as lowercase hex (at least one byte)',
});
export const Hash = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32 bytes as lowercase hex' });
export const Address = Type.String({ minLength: 1, maxLength: 200, description: 'a bech32m address (ADDR-1)' });
export const Integer = Type.Integer({ minimum: 0 });
export const Nullable = <T extends TSchema>(t: T, options: { description?: string } = {}) =>
  Type.Union([t, Type.Null()], options);
export const closed = { additionalProperties: false } as const;
