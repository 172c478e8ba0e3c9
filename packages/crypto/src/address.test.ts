import { sha256 } from '@babychain/codec';
import { bech32, bech32m } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  addressFromPublicKey,
  decodeAddress,
  encodeAddress,
  multisigAddress,
  sortMultisigKeys,
  validateMultisigKey,
} from './address.ts';
import { hex } from './bytes.testutil.ts';
import { publicKeyFromSeed } from './ed25519.ts';

const key = (i: number): Uint8Array => publicKeyFromSeed(new Uint8Array(32).fill(i));
const code = (code: string) => expect.objectContaining({ code });

describe('addressFromPublicKey', () => {
  it('is the first 20 bytes of sha256(0x00 || key)', () => {
    const pub = key(1);
    expect(hex(addressFromPublicKey(pub))).toBe(hex(sha256(Uint8Array.of(0), pub).subarray(0, 20)));
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => addressFromPublicKey(new Uint8Array(31))).toThrow(code('SIG_BAD_LENGTH'));
  });
});

describe('multisigAddress', () => {
  const keys = sortMultisigKeys([key(1), key(2), key(3)]);

  it('hashes 0x01, the threshold as 4 big-endian bytes and the sorted keys', () => {
    const want = sha256(Uint8Array.of(1), Uint8Array.of(0, 0, 0, 2), ...keys).subarray(0, 20);
    expect(hex(multisigAddress(2, keys))).toBe(hex(want));
  });

  it('never equals the single-key address of its only member', () => {
    expect(hex(multisigAddress(1, [key(1)]))).not.toBe(hex(addressFromPublicKey(key(1))));
  });

  it('depends on the threshold', () => {
    expect(hex(multisigAddress(2, keys))).not.toBe(hex(multisigAddress(3, keys)));
  });

  it('rejects keys that are not sorted, and a repeated key', () => {
    expect(() => multisigAddress(1, [keys[1] as Uint8Array, keys[0] as Uint8Array])).toThrow(
      code('CRYPTO_MULTISIG_UNSORTED'),
    );
    expect(() => multisigAddress(1, [keys[0] as Uint8Array, keys[0] as Uint8Array])).toThrow(
      code('CRYPTO_MULTISIG_DUPLICATE_KEY'),
    );
  });

  it('rejects a threshold of 0, above the key count, or not an integer', () => {
    expect(() => multisigAddress(0, keys)).toThrow(code('CRYPTO_MULTISIG_BAD_THRESHOLD'));
    expect(() => multisigAddress(4, keys)).toThrow(code('CRYPTO_MULTISIG_BAD_THRESHOLD'));
    expect(() => multisigAddress(1.5, keys)).toThrow(code('CRYPTO_MULTISIG_BAD_THRESHOLD'));
    expect(() => validateMultisigKey(1, [])).toThrow(code('CRYPTO_MULTISIG_BAD_THRESHOLD'));
  });

  it('accepts 16 keys and rejects 17', () => {
    const many = sortMultisigKeys(Array.from({ length: 17 }, (_, i) => key(i + 1)));
    expect(multisigAddress(16, many.slice(0, 16))).toHaveLength(20);
    expect(() => multisigAddress(1, many)).toThrow(code('CRYPTO_MULTISIG_TOO_MANY_KEYS'));
  });
});

describe('sortMultisigKeys', () => {
  it('sorts bytewise ascending without changing the input', () => {
    const input = [key(3), key(1), key(2)];
    const sorted = sortMultisigKeys(input);
    expect(sorted.map(hex)).toEqual(input.map(hex).sort());
    expect(input.map(hex)).toEqual([key(3), key(1), key(2)].map(hex));
  });

  it('rejects a key given twice', () => {
    expect(() => sortMultisigKeys([key(1), key(2), key(1)])).toThrow(code('CRYPTO_MULTISIG_DUPLICATE_KEY'));
  });
});

describe('encodeAddress and decodeAddress', () => {
  const bytes = addressFromPublicKey(key(1));
  const text = encodeAddress(bytes);

  it('round-trips with the default prefix "baby"', () => {
    expect(text.startsWith('baby1')).toBe(true);
    expect(hex(decodeAddress(text))).toBe(hex(bytes));
    expect(hex(decodeAddress(text, 'baby'))).toBe(hex(bytes));
  });

  it('reads an all-upper-case address but rejects mixed case', () => {
    expect(hex(decodeAddress(text.toUpperCase()))).toBe(hex(bytes));
    const i = [...text].findIndex((c, j) => j > 4 && /[a-z]/.test(c));
    const mixed = `${text.slice(0, i)}${(text[i] as string).toUpperCase()}${text.slice(i + 1)}`;
    expect(() => decodeAddress(mixed)).toThrow(code('CRYPTO_BAD_ADDRESS'));
  });

  it('rejects a plain bech32 checksum and says why', () => {
    const old = bech32.encode('baby', bech32.toWords(bytes));
    expect(() => decodeAddress(old)).toThrow(/bech32m/);
    expect(() => decodeAddress(old)).toThrow(code('CRYPTO_BAD_ADDRESS'));
  });

  it('rejects a typo', () => {
    const typo = `${text.slice(0, -1)}${text.endsWith('q') ? 'p' : 'q'}`;
    expect(() => decodeAddress(typo)).toThrow(code('CRYPTO_BAD_ADDRESS'));
  });

  it('rejects a payload that is not 20 bytes', () => {
    expect(() => decodeAddress(bech32m.encode('baby', bech32m.toWords(key(1))))).toThrow(code('CRYPTO_BAD_ADDRESS'));
    expect(() => encodeAddress(new Uint8Array(21))).toThrow(code('CRYPTO_BAD_ADDRESS'));
  });

  it('rejects an address of another chain', () => {
    const other = encodeAddress(bytes, 'babytest');
    expect(() => decodeAddress(other, 'baby')).toThrow(code('CRYPTO_WRONG_ADDRESS_PREFIX'));
    expect(hex(decodeAddress(other, 'babytest'))).toBe(hex(bytes));
  });

  it('refuses an upper-case prefix when encoding', () => {
    expect(() => encodeAddress(bytes, 'BABY')).toThrow(code('CRYPTO_BAD_ADDRESS'));
    expect(() => encodeAddress(bytes, '')).toThrow(code('CRYPTO_BAD_ADDRESS'));
  });

  it('rejects garbage', () => {
    for (const bad of ['', 'baby', 'baby1', 'not an address', `baby1${'q'.repeat(100)}`]) {
      expect(() => decodeAddress(bad)).toThrow(code('CRYPTO_BAD_ADDRESS'));
    }
  });
});
