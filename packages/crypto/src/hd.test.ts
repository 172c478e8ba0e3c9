import { describe, expect, it } from 'vitest';
import { hex } from './bytes.testutil.ts';
import {
  accountPath,
  deriveAccountKey,
  generateMnemonic,
  mnemonicToSeed,
  parseDerivationPath,
  slip10Derive,
  validateMnemonic,
} from './hd.ts';

const code = (code: string) => expect.objectContaining({ code });
const ABOUT = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('mnemonics', () => {
  it('generates 24 valid words by default, 12 on request', () => {
    const m24 = generateMnemonic();
    expect(m24.split(' ')).toHaveLength(24);
    expect(validateMnemonic(m24)).toBe(m24);
    expect(generateMnemonic(12).split(' ')).toHaveLength(12);
    expect(generateMnemonic()).not.toBe(m24);
  });

  it('gives the BIP-39 test seed for "abandon ... about" with passphrase TREZOR', () => {
    expect(hex(mnemonicToSeed(ABOUT, 'TREZOR'))).toBe(
      'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
    );
  });

  it('accepts extra spaces and upper case, as a person types', () => {
    expect(validateMnemonic(`  ${ABOUT.toUpperCase().replaceAll(' ', '   ')}\n`)).toBe(ABOUT);
  });

  it('rejects a wrong checksum, an unknown word and a wrong length', () => {
    expect(() => validateMnemonic('abandon '.repeat(12).trim())).toThrow(code('CRYPTO_BAD_MNEMONIC'));
    expect(() => validateMnemonic(ABOUT.replace('about', 'abuot'))).toThrow(/word 12/);
    expect(() => validateMnemonic(`${ABOUT} abandon`)).toThrow(code('CRYPTO_BAD_MNEMONIC'));
    expect(() => validateMnemonic('')).toThrow(code('CRYPTO_BAD_MNEMONIC'));
  });
});

describe('SLIP-0010 derivation', () => {
  it('follows test vector 1 for ed25519', () => {
    const node = slip10Derive(
      Uint8Array.from(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')),
      "m/0'/1'/2'/2'/1000000000'",
    );
    expect(hex(node.privateKey)).toBe('8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793');
    expect(hex(node.chainCode)).toBe('68789923a0cac2cd5a29172a475fe9e0fb14cd6adb5ad98a3fa70333e7afa230');
  });

  it('accepts h and H as hardened markers', () => {
    expect(parseDerivationPath("m/44'/8888h/0H")).toEqual([0x8000002c, 0x800022b8, 0x80000000]);
    expect(parseDerivationPath('m')).toEqual([]);
  });

  it('rejects a non-hardened index and malformed paths', () => {
    for (const bad of ["m/44'/0", "44'/0'", "m/01'", "m/2147483648'", "m//0'", "m/-1'", "m/0'/"]) {
      expect(() => parseDerivationPath(bad), bad).toThrow(code('CRYPTO_BAD_DERIVATION_PATH'));
    }
  });
});

describe('deriveAccountKey', () => {
  it("uses m/44'/8888'/{account}'/0'/0'", () => {
    expect(accountPath(3)).toBe("m/44'/8888'/3'/0'/0'");
    const key = deriveAccountKey(ABOUT, 3);
    expect(key.path).toBe("m/44'/8888'/3'/0'/0'");
    expect(hex(key.seed)).toBe(hex(slip10Derive(mnemonicToSeed(ABOUT), key.path).privateKey));
  });

  it('gives different keys for different accounts and passphrases', () => {
    const keys = [deriveAccountKey(ABOUT, 0), deriveAccountKey(ABOUT, 1), deriveAccountKey(ABOUT, 0, 'x')];
    expect(new Set(keys.map((k) => hex(k.publicKey))).size).toBe(3);
  });

  it('rejects a negative or fractional account', () => {
    expect(() => deriveAccountKey(ABOUT, -1)).toThrow(code('CRYPTO_BAD_DERIVATION_PATH'));
    expect(() => deriveAccountKey(ABOUT, 1.5)).toThrow(code('CRYPTO_BAD_DERIVATION_PATH'));
    expect(() => deriveAccountKey(ABOUT, 2 ** 31)).toThrow(code('CRYPTO_BAD_DERIVATION_PATH'));
  });
});
