import { describe, expect, it } from 'vitest';
import type { Tx } from './index.ts';
import { CodecErrorCode, fromJson, toJson } from './index.ts';
import { hex, thrown } from './testschema.testutil.ts';

const tx: Tx = {
  body: {
    chainId: 'baby-1',
    signer: { key: { case: 'multisig', value: { threshold: 1, publicKeys: [hex('aa'), hex('')] } } },
    nonce: 18446744073709551615n,
    fee: 0n,
    memo: '',
    action: { case: 'transfer', value: { to: hex('0b'), amount: 7n } },
  },
  signatures: [{ keyIndex: 0, signature: hex('') }],
};

const json = {
  body: {
    chainId: 'baby-1',
    signer: { key: { case: 'multisig', value: { threshold: 1, publicKeys: ['aa', ''] } } },
    nonce: '18446744073709551615',
    fee: '0',
    memo: '',
    action: { case: 'transfer', value: { to: '0b', amount: '7' } },
  },
  signatures: [{ keyIndex: 0, signature: '' }],
};

describe('toJson', () => {
  it('writes uint64 as decimal strings, bytes as hex, and every field', () => {
    expect(toJson('babychain.v0.Tx', tx)).toStrictEqual(json);
  });

  it('writes absent messages and oneofs as null', () => {
    expect(toJson('babychain.v0.Tx', { signatures: [] })).toStrictEqual({ body: null, signatures: [] });
    expect(toJson('babychain.v0.Signer', {})).toStrictEqual({ key: null });
  });
});

describe('fromJson', () => {
  it('reads what toJson writes', () => {
    expect(fromJson('babychain.v0.Tx', json)).toEqual(tx);
  });

  it('takes missing keys as defaults', () => {
    expect(fromJson('babychain.v0.Transfer', { amount: '1' })).toEqual({ to: hex(''), amount: 1n });
  });

  it.each([
    ['a uint64 as a number', 'babychain.v0.Transfer', { amount: 1 }],
    ['a uint64 with a leading zero', 'babychain.v0.Transfer', { amount: '01' }],
    ['a uint64 above 2^64-1', 'babychain.v0.Transfer', { amount: '18446744073709551616' }],
    ['a negative uint64', 'babychain.v0.Transfer', { amount: '-1' }],
    ['uppercase hex', 'babychain.v0.Transfer', { to: 'AA' }],
    ['odd-length hex', 'babychain.v0.Transfer', { to: 'a' }],
    ['an unknown key', 'babychain.v0.Transfer', { amont: '1' }],
    ['a non-integer uint32', 'babychain.v0.Signature', { keyIndex: 0.5 }],
    ['a oneof member at its default', 'babychain.v0.Signer', { key: { case: 'ed25519', value: '' } }],
    ['a oneof with extra keys', 'babychain.v0.Signer', { key: { case: 'ed25519', value: 'aa', x: 1 } }],
    ['an array for a message', 'babychain.v0.Tx', []],
  ] as const)('refuses %s', (_what, type, input) => {
    expect(thrown(() => fromJson(type, input)).code).toBe(CodecErrorCode.INVALID_VALUE);
  });
});
