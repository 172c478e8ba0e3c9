import { describe, expect, it } from 'vitest';
import type { Transfer, TxBody } from './index.ts';
import { CodecErrorCode, create, decode, encode, toHex } from './index.ts';
import { encodeAll, hex, thrown } from './testschema.testutil.ts';

const body: TxBody = {
  chainId: 'a',
  signer: { key: { case: 'ed25519', value: hex('01') } },
  nonce: 0n,
  fee: 0n,
  memo: 'm',
  action: { case: 'transfer', value: { to: hex('02'), amount: 1n } },
};

const invalid = (fn: () => unknown) => thrown(fn).code;

describe('encode', () => {
  it('writes fields in field-number order with minimal varints', () => {
    expect(toHex(encode('babychain.v0.Transfer', { to: hex('aa'), amount: 300n }))).toBe('0a01aa10ac02');
    // chain_id, signer, memo, then the oneof member numbered 16 (two-byte tag 8201)
    expect(toHex(encode('babychain.v0.TxBody', body))).toBe(
      '0a0161 1203 0a0101 2a016d 820105 0a0102 1001'.replaceAll(' ', ''),
    );
  });

  it('leaves default scalars off the wire', () => {
    expect(encode('babychain.v0.Transfer', { to: new Uint8Array(0), amount: 0n })).toEqual(new Uint8Array(0));
  });

  it('encodes a present empty message, and nothing for an absent one', () => {
    expect(toHex(encode('babychain.v0.Tx', { body: create('babychain.v0.TxBody'), signatures: [] }))).toBe('0a00');
    expect(toHex(encode('babychain.v0.Tx', { signatures: [] }))).toBe('');
    expect(toHex(encode('babychain.v0.Tx', { body: undefined, signatures: [] }))).toBe('');
  });

  it('encodes every element of repeated bytes and messages, empty ones included', () => {
    expect(toHex(encode('babychain.v0.MultisigKey', { threshold: 2, publicKeys: [hex('aa'), hex('')] }))).toBe(
      '08021201aa1200',
    );
    expect(toHex(encode('babychain.v0.Tx', { signatures: [{ keyIndex: 0, signature: hex('') }] }))).toBe('1200');
  });

  it('packs repeated varint scalars and omits them when empty', () => {
    expect(toHex(encodeAll({ ...allDefaults(), u32s: [0, 1, 300], flags: [true, false] }))).toBe(
      '3a040001ac02 4a020100'.replaceAll(' ', ''),
    );
    expect(toHex(encodeAll(allDefaults()))).toBe('');
  });

  it('writes length prefixes above 127 and outputs above the initial buffer size', () => {
    const to = new Uint8Array(1000).fill(7);
    const bytes = encode('babychain.v0.Transfer', { to, amount: 1n });
    expect(toHex(bytes.subarray(0, 3))).toBe('0ae807');
    expect(decode('babychain.v0.Transfer', bytes).to).toEqual(to);
  });

  describe('refuses values without a canonical encoding (ENC-11)', () => {
    const transfer = (v: unknown) => () => encode('babychain.v0.Transfer', v as Transfer);
    const sig = (keyIndex: unknown) => () =>
      encode('babychain.v0.Signature', { keyIndex, signature: hex('') } as { keyIndex: number; signature: Uint8Array });

    it.each([
      ['a uint64 of 2^64', transfer({ to: hex(''), amount: 2n ** 64n })],
      ['a negative uint64', transfer({ to: hex(''), amount: -1n })],
      ['a number for a uint64', transfer({ to: hex(''), amount: 5 })],
      ['a uint32 of 2^32', sig(2 ** 32)],
      ['a negative uint32', sig(-1)],
      ['a non-integer uint32', sig(1.5)],
      ['NaN', sig(Number.NaN)],
      ['a bigint for a uint32', sig(1n)],
      ['an array for bytes', transfer({ to: [1, 2], amount: 1n })],
      ['a missing scalar', transfer({ to: hex('') })],
      ['null for a message', () => encode('babychain.v0.Tx', { body: null, signatures: [] } as never)],
      ['a non-array repeated field', () => encode('babychain.v0.Tx', { signatures: {} } as never)],
      ['an unknown property', transfer({ to: hex(''), amount: 1n, amout: 2n })],
      ['a string with a lone surrogate', () => encode('babychain.v0.SignDoc', { domain: 'a\uD800b' })],
      [
        'a oneof member at its default',
        () => encode('babychain.v0.Signer', { key: { case: 'ed25519', value: hex('') } }),
      ],
      [
        'an unknown oneof case',
        () => encode('babychain.v0.Signer', { key: { case: 'rsa', value: hex('01') } } as never),
      ],
      ['a oneof that is not { case, value }', () => encode('babychain.v0.Signer', { key: hex('01') } as never)],
      ['an undeclared enum value', () => encodeAll({ ...allDefaults(), color: 2 })],
      ['a number for a bool', () => encodeAll({ ...allDefaults(), flag: 1 })],
      ['a bad element of a packed field', () => encodeAll({ ...allDefaults(), u64s: [1n, -1n] })],
      ['a non-object message', () => encode('babychain.v0.Tx', 'tx' as never)],
    ])('refuses %s', (_what, fn) => {
      expect(invalid(fn)).toBe(CodecErrorCode.INVALID_VALUE);
    });

    it('names the path of the bad value', () => {
      const err = thrown(() =>
        encode('babychain.v0.Tx', {
          body: { ...body, action: { case: 'transfer', value: { to: hex(''), amount: -5n } } },
          signatures: [],
        }),
      );
      expect(err.meta).toMatchObject({
        type: 'babychain.v0.Transfer',
        field: 'amount',
        path: 'body.action.value.amount',
      });
    });

    it('refuses messages nested deeper than 32, which also stops cyclic objects', () => {
      let value = allDefaults();
      for (let i = 0; i < 33; i++) value = { ...allDefaults(), child: value };
      expect(invalid(() => encodeAll(value))).toBe(CodecErrorCode.TOO_DEEP);
      const cyclic: Record<string, unknown> = allDefaults();
      cyclic['child'] = cyclic;
      expect(invalid(() => encodeAll(cyclic))).toBe(CodecErrorCode.TOO_DEEP);
    });
  });
});

describe('create', () => {
  it('fills every field not given with its default, in nested messages too', () => {
    expect(
      create('babychain.v0.Tx', { body: { nonce: 5n, action: { case: 'transfer', value: { amount: 1n } } } }),
    ).toEqual({
      signatures: [],
      body: {
        chainId: '',
        nonce: 5n,
        fee: 0n,
        memo: '',
        action: { case: 'transfer', value: { to: hex(''), amount: 1n } },
      },
    });
  });

  it('refuses a property the message does not have', () => {
    expect(invalid(() => create('babychain.v0.Transfer', { too: hex('') } as never))).toBe(
      CodecErrorCode.INVALID_VALUE,
    );
  });
});

function allDefaults(): Record<string, unknown> {
  return {
    u32: 0,
    u64: 0n,
    flag: false,
    text: '',
    data: new Uint8Array(0),
    color: 0,
    u32s: [],
    u64s: [],
    flags: [],
    colors: [],
    texts: [],
    datas: [],
    children: [],
  };
}
