import { describe, expect, it } from 'vitest';
import { CodecErrorCode, decode, encode, toHex } from './index.ts';
import { decodeAll, hex, thrown } from './testschema.testutil.ts';

const transfer = (h: string) => decode('babychain.v0.Transfer', hex(h));
const codeOf = (fn: () => unknown) => thrown(fn).code;

describe('decode', () => {
  it('decodes a canonical transfer into typed values', () => {
    expect(transfer('0a02aabb 1005')).toEqual({ to: hex('aabb'), amount: 5n });
  });

  it('gives absent scalars their defaults and leaves absent messages out', () => {
    expect(decode('babychain.v0.Transfer', new Uint8Array(0))).toEqual({ to: new Uint8Array(0), amount: 0n });
    const tx = decode('babychain.v0.Tx', new Uint8Array(0));
    expect(tx).toStrictEqual({ signatures: [] });
    expect('body' in tx).toBe(false);
  });

  it('keeps an empty embedded message as present', () => {
    const tx = decode('babychain.v0.Tx', hex('0a00'));
    expect(tx.body).toEqual({ chainId: '', nonce: 0n, fee: 0n, memo: '' });
  });

  it('returns bytes fields as copies that do not alias the input', () => {
    const input = hex('0a02aabb');
    const t = transfer('0a02aabb');
    input[2] = 0;
    expect(toHex(t.to)).toBe('aabb');
    expect(t.to.buffer.byteLength).toBe(2);
  });

  it('accepts a Node Buffer as input', () => {
    expect(decode('babychain.v0.Transfer', Buffer.from('0a01aa', 'hex'))).toEqual({ to: hex('aa'), amount: 0n });
  });

  it('decodes multi-byte varints and the largest uint64', () => {
    expect(transfer('10ac02').amount).toBe(300n);
    expect(transfer('10ffffffffffffffffff01').amount).toBe(18446744073709551615n);
    expect(transfer('1080808080808080808001').amount).toBe(2n ** 63n);
    expect(decode('babychain.v0.Signature', hex('08ffffffff0f')).keyIndex).toBe(0xffffffff);
  });

  describe('varints (ENC-2)', () => {
    it('rejects a value varint padded with a trailing zero byte', () => {
      expect(codeOf(() => transfer('108500'))).toBe(CodecErrorCode.NON_MINIMAL_VARINT);
      expect(codeOf(() => transfer('10ffffffffffffffff8000'))).toBe(CodecErrorCode.NON_MINIMAL_VARINT);
    });

    it('rejects a non-minimal tag', () => {
      expect(codeOf(() => transfer('9000 05'))).toBe(CodecErrorCode.NON_MINIMAL_VARINT);
    });

    it('rejects a non-minimal length prefix', () => {
      expect(codeOf(() => transfer('0a8100aa'))).toBe(CodecErrorCode.NON_MINIMAL_VARINT);
    });

    it('rejects a varint whose 10th byte is above 1', () => {
      expect(codeOf(() => transfer('10ffffffffffffffffff02'))).toBe(CodecErrorCode.VARINT_OVERFLOW);
    });

    it('rejects a varint longer than 10 bytes', () => {
      expect(codeOf(() => transfer('10ffffffffffffffffff8101'))).toBe(CodecErrorCode.VARINT_OVERFLOW);
    });

    it('rejects a uint32 field above 2^32-1', () => {
      expect(codeOf(() => decode('babychain.v0.Signature', hex('088080808010')))).toBe(CodecErrorCode.VARINT_OVERFLOW);
    });

    it('rejects a varint cut off by the end of the input', () => {
      expect(codeOf(() => transfer('10ac'))).toBe(CodecErrorCode.TRUNCATED);
      expect(codeOf(() => transfer('0a'))).toBe(CodecErrorCode.TRUNCATED);
    });

    it('rejects a length beyond the remaining bytes', () => {
      expect(codeOf(() => transfer('0a03aabb'))).toBe(CodecErrorCode.TRUNCATED);
      expect(codeOf(() => transfer('0affffffffffffffffff01'))).toBe(CodecErrorCode.TRUNCATED);
    });

    it('bounds a nested varint by its enclosing message, not by the whole input', () => {
      // Tx.body holds 2 bytes "18 ac"; the nonce varint's continuation byte 02 lies outside the body.
      expect(codeOf(() => decode('babychain.v0.Tx', hex('0a0218ac02')))).toBe(CodecErrorCode.TRUNCATED);
    });
  });

  describe('field order (ENC-3)', () => {
    it('rejects fields out of ascending order', () => {
      expect(codeOf(() => transfer('1005 0a01aa'))).toBe(CodecErrorCode.FIELD_ORDER);
    });

    it('rejects a non-repeated field that appears twice', () => {
      expect(codeOf(() => transfer('1005 1006'))).toBe(CodecErrorCode.DUPLICATE_FIELD);
    });

    it('accepts consecutive elements of a repeated field', () => {
      expect(decode('babychain.v0.Block', hex('1201aa 1200 1201bb')).txs).toEqual([hex('aa'), hex(''), hex('bb')]);
    });

    it('rejects a field repeated out of order', () => {
      expect(codeOf(() => decode('babychain.v0.Block', hex('1201aa 1a00 1201bb')))).toBe(CodecErrorCode.FIELD_ORDER);
    });
  });

  describe('known fields and tags (ENC-4)', () => {
    it('rejects an unknown field number', () => {
      expect(codeOf(() => transfer('1805'))).toBe(CodecErrorCode.UNKNOWN_FIELD);
      expect(codeOf(() => decode('babychain.v0.TxBody', hex('3001')))).toBe(CodecErrorCode.UNKNOWN_FIELD);
    });

    it('rejects field number 0', () => {
      expect(codeOf(() => transfer('0001'))).toBe(CodecErrorCode.INVALID_TAG);
      expect(codeOf(() => transfer('0200'))).toBe(CodecErrorCode.INVALID_TAG);
    });

    it('rejects the group and reserved wire types 3, 4, 6 and 7', () => {
      for (const tag of ['0b', '0c', '0e', '0f'])
        expect(
          codeOf(() => transfer(tag)),
          tag,
        ).toBe(CodecErrorCode.INVALID_TAG);
    });

    it('rejects a known field with the wrong wire type', () => {
      expect(codeOf(() => transfer('120105'))).toBe(CodecErrorCode.WIRE_TYPE);
      expect(codeOf(() => transfer('0801'))).toBe(CodecErrorCode.WIRE_TYPE);
      expect(codeOf(() => transfer('110500000000000000'))).toBe(CodecErrorCode.WIRE_TYPE);
      expect(codeOf(() => transfer('1505000000'))).toBe(CodecErrorCode.WIRE_TYPE);
    });
  });

  describe('default values (ENC-5)', () => {
    it('rejects an encoded zero uint64, uint32, empty bytes and empty string', () => {
      expect(codeOf(() => transfer('1000'))).toBe(CodecErrorCode.DEFAULT_VALUE);
      expect(codeOf(() => decode('babychain.v0.Signature', hex('0800')))).toBe(CodecErrorCode.DEFAULT_VALUE);
      expect(codeOf(() => transfer('0a00'))).toBe(CodecErrorCode.DEFAULT_VALUE);
      expect(codeOf(() => decode('babychain.v0.SignDoc', hex('0a00')))).toBe(CodecErrorCode.DEFAULT_VALUE);
    });

    it('rejects a oneof member holding its default value', () => {
      expect(codeOf(() => decode('babychain.v0.Signer', hex('0a00')))).toBe(CodecErrorCode.DEFAULT_VALUE);
    });

    it('accepts empty elements of repeated bytes and repeated messages', () => {
      expect(decode('babychain.v0.MultisigKey', hex('1200')).publicKeys).toEqual([new Uint8Array(0)]);
      expect(decode('babychain.v0.Tx', hex('1200')).signatures).toEqual([{ keyIndex: 0, signature: hex('') }]);
    });

    it('rejects a false bool and an enum 0 on the wire', () => {
      expect(codeOf(() => decodeAll(hex('1800')))).toBe(CodecErrorCode.DEFAULT_VALUE);
      expect(codeOf(() => decodeAll(hex('3000')))).toBe(CodecErrorCode.DEFAULT_VALUE);
    });
  });

  describe('packed repeated scalars (ENC-6)', () => {
    it('decodes packed elements, zeros included', () => {
      expect(decodeAll(hex('3a0400017f01 4206ffffffff0f00 4a020100 5203000105'))).toMatchObject({
        u32s: [0, 1, 127, 1],
        u64s: [0xffffffffn, 0n],
        flags: [true, false],
        colors: [0, 1, 5],
      });
    });

    it('rejects an unpacked element of a packed field', () => {
      expect(codeOf(() => decodeAll(hex('3801')))).toBe(CodecErrorCode.WIRE_TYPE);
    });

    it('rejects an empty packed field', () => {
      expect(codeOf(() => decodeAll(hex('3a00')))).toBe(CodecErrorCode.DEFAULT_VALUE);
    });

    it('rejects a packed field split in two', () => {
      expect(codeOf(() => decodeAll(hex('3a0101 3a0102')))).toBe(CodecErrorCode.DUPLICATE_FIELD);
    });

    it('rejects a packed element cut off by the packed length', () => {
      expect(codeOf(() => decodeAll(hex('3a0181 01')))).toBe(CodecErrorCode.TRUNCATED);
    });

    it('checks the value domain of each packed element', () => {
      expect(codeOf(() => decodeAll(hex('3a058080808010')))).toBe(CodecErrorCode.VARINT_OVERFLOW);
      expect(codeOf(() => decodeAll(hex('4a0102')))).toBe(CodecErrorCode.INVALID_BOOL);
      expect(codeOf(() => decodeAll(hex('520102')))).toBe(CodecErrorCode.INVALID_ENUM);
      expect(codeOf(() => decodeAll(hex('42028000')))).toBe(CodecErrorCode.NON_MINIMAL_VARINT);
    });
  });

  describe('oneof (ENC-7)', () => {
    it('rejects two members of one oneof', () => {
      expect(codeOf(() => decode('babychain.v0.Signer', hex('0a01aa 1200')))).toBe(CodecErrorCode.ONEOF_MULTIPLE);
      expect(codeOf(() => decodeAll(hex('7801 820101 61')))).toBe(CodecErrorCode.ONEOF_MULTIPLE);
    });

    it('decodes the member that is present as { case, value }', () => {
      expect(decode('babychain.v0.Signer', hex('1200')).key).toEqual({
        case: 'multisig',
        value: { threshold: 0, publicKeys: [] },
      });
    });
  });

  describe('value domains (ENC-8)', () => {
    const memo = (h: string) => decode('babychain.v0.SignDoc', hex(h)).domain;

    it('decodes multi-byte UTF-8 and keeps a leading BOM and NUL', () => {
      expect(memo('0a0bc3a9e282acf09d849e0061')).toBe('é€𝄞\u0000a');
      expect(memo('0a04efbbbf61')).toBe('\uFEFFa');
    });

    it('rejects overlong encodings', () => {
      expect(codeOf(() => memo('0a02c080'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a03e080af'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a04f08282ac'))).toBe(CodecErrorCode.INVALID_UTF8);
    });

    it('rejects encoded surrogates, code points above U+10FFFF and broken sequences', () => {
      expect(codeOf(() => memo('0a03eda080'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a06eda0bdedb880'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a04f4908080'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a02e282'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a0180'))).toBe(CodecErrorCode.INVALID_UTF8);
      expect(codeOf(() => memo('0a01ff'))).toBe(CodecErrorCode.INVALID_UTF8);
    });

    it('rejects a bool other than 0 or 1', () => {
      expect(codeOf(() => decodeAll(hex('1802')))).toBe(CodecErrorCode.INVALID_BOOL);
      expect(decodeAll(hex('1801'))['flag']).toBe(true);
    });

    it('rejects an enum value the schema does not declare', () => {
      expect(codeOf(() => decodeAll(hex('3002')))).toBe(CodecErrorCode.INVALID_ENUM);
      expect(decodeAll(hex('3005'))['color']).toBe(5);
    });
  });

  describe('limits (ENC-9)', () => {
    it('rejects input above maxBytes before parsing it', () => {
      // The bytes are garbage: the size check must fire first.
      expect(codeOf(() => decode('babychain.v0.Tx', new Uint8Array(11).fill(0xff), { maxBytes: 10 }))).toBe(
        CodecErrorCode.OVERSIZED,
      );
      expect(decode('babychain.v0.Block', hex('1201aa'), { maxBytes: 3 }).txs).toHaveLength(1);
    });

    it('defaults maxBytes to 4 MiB', () => {
      const txs = new Uint8Array(4 * 1024 * 1024 + 1).fill(0);
      expect(codeOf(() => decode('babychain.v0.Block', txs))).toBe(CodecErrorCode.OVERSIZED);
    });

    it('accepts messages nested 32 deep and rejects 33', () => {
      // t.All.child (tag 6a) wrapped n times: the top-level message plus n embedded ones.
      const nest = (n: number) => {
        let b: number[] = [];
        for (let i = 0; i < n; i++) b = [0x6a, b.length, ...b];
        return new Uint8Array(b);
      };
      expect(decodeAll(nest(32))).toMatchObject({ child: { child: { u32: 0 } } });
      const tooDeep = nest(33);
      const err = thrown(() => decodeAll(tooDeep));
      expect(err.code).toBe(CodecErrorCode.TOO_DEEP);
    });
  });

  describe('trailing bytes (ENC-10)', () => {
    const canonical = encode('babychain.v0.Transfer', { to: hex('aa'), amount: 5n });

    it.each([
      ['a zero byte', '00', CodecErrorCode.INVALID_TAG],
      ['a copy of the last field', '1005', CodecErrorCode.DUPLICATE_FIELD],
      ['a lower field number', '0a01bb', CodecErrorCode.FIELD_ORDER],
      ['an unknown field', '1801', CodecErrorCode.UNKNOWN_FIELD],
      ['a lone tag', '18', CodecErrorCode.UNKNOWN_FIELD],
      ['a cut-off varint', 'ff', CodecErrorCode.TRUNCATED],
      ['0xff bytes forming an over-long tag', 'ffffffffffffffffffffff', CodecErrorCode.VARINT_OVERFLOW],
    ])('rejects a canonical encoding followed by %s', (_what, extra, code) => {
      const bytes = new Uint8Array([...canonical, ...hex(extra)]);
      expect(codeOf(() => decode('babychain.v0.Transfer', bytes))).toBe(code);
    });
  });

  it('reports the message type, field and byte offset of the failure', () => {
    // Tx { body { chain_id "a", nonce 0 } }: the nonce's tag is byte 5, its zero value byte 6 of the input.
    const err = thrown(() => decode('babychain.v0.Tx', hex('0a05 0a0161 1800')));
    expect(err.code).toBe(CodecErrorCode.DEFAULT_VALUE);
    expect(err.meta).toMatchObject({ type: 'babychain.v0.TxBody', field: 'nonce', offset: 6, rule: 'ENC-5' });
    const order = thrown(() => decode('babychain.v0.Tx', hex('0a05 1801 0a0161')));
    expect(order.meta).toMatchObject({ type: 'babychain.v0.TxBody', field: 'chainId', offset: 4, rule: 'ENC-3' });
  });

  it('refuses an input that is not a Uint8Array and an unknown type name', () => {
    expect(codeOf(() => decode('babychain.v0.Tx', [1, 2] as unknown as Uint8Array))).toBe(CodecErrorCode.INVALID_VALUE);
    expect(codeOf(() => decode('nope.Tx' as 'babychain.v0.Tx', new Uint8Array(0)))).toBe(CodecErrorCode.INVALID_VALUE);
  });
});
