import { BabyError, type ErrorMeta, type MetaArgs } from '@babychain/codec';

/**
 * Every code this package throws or returns. `SIG_*` codes are the signature verification outcomes (specs/signatures.md,
 * SIG-8); `CRYPTO_*` codes cover addresses, multisig keys, mnemonics, derivation and key storage
 * (specs/addresses.md). Codes are protocol: they reach RPC clients and test vectors and are never renamed.
 */
export const CryptoErrorCode = Object.freeze({
  SIG_BAD_LENGTH: 'SIG_BAD_LENGTH',
  SIG_NON_CANONICAL_S: 'SIG_NON_CANONICAL_S',
  SIG_NON_CANONICAL_KEY: 'SIG_NON_CANONICAL_KEY',
  SIG_NON_CANONICAL_R: 'SIG_NON_CANONICAL_R',
  SIG_SMALL_ORDER_KEY: 'SIG_SMALL_ORDER_KEY',
  SIG_SMALL_ORDER_R: 'SIG_SMALL_ORDER_R',
  SIG_MISMATCH: 'SIG_MISMATCH',
  /** SIG-9: a party's key (release signer, multisig member) outside the prime-order subgroup */
  SIG_MIXED_ORDER_KEY: 'SIG_MIXED_ORDER_KEY',
  CRYPTO_BAD_SEED: 'CRYPTO_BAD_SEED',
  CRYPTO_BAD_ADDRESS: 'CRYPTO_BAD_ADDRESS',
  CRYPTO_WRONG_ADDRESS_PREFIX: 'CRYPTO_WRONG_ADDRESS_PREFIX',
  CRYPTO_MULTISIG_TOO_MANY_KEYS: 'CRYPTO_MULTISIG_TOO_MANY_KEYS',
  CRYPTO_MULTISIG_BAD_THRESHOLD: 'CRYPTO_MULTISIG_BAD_THRESHOLD',
  CRYPTO_MULTISIG_DUPLICATE_KEY: 'CRYPTO_MULTISIG_DUPLICATE_KEY',
  CRYPTO_MULTISIG_UNSORTED: 'CRYPTO_MULTISIG_UNSORTED',
  CRYPTO_BAD_MNEMONIC: 'CRYPTO_BAD_MNEMONIC',
  CRYPTO_BAD_DERIVATION_PATH: 'CRYPTO_BAD_DERIVATION_PATH',
  CRYPTO_WRONG_PASSPHRASE: 'CRYPTO_WRONG_PASSPHRASE',
  CRYPTO_BAD_KEYSTORE: 'CRYPTO_BAD_KEYSTORE',
  CRYPTO_BAD_KEY_NAME: 'CRYPTO_BAD_KEY_NAME',
  CRYPTO_KEY_EXISTS: 'CRYPTO_KEY_EXISTS',
  CRYPTO_KEY_NOT_FOUND: 'CRYPTO_KEY_NOT_FOUND',
  CRYPTO_NOT_A_SIGNING_KEY: 'CRYPTO_NOT_A_SIGNING_KEY',
} as const);

export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** The failure codes of signature verification, in SIG-8 check order. */
export type SignatureFailure = Exclude<Extract<CryptoErrorCode, `SIG_${string}`>, 'SIG_MIXED_ORDER_KEY'>;

/** SIG-9: why a key cannot stand for one party. */
export type PartyKeyFailure =
  | 'SIG_BAD_LENGTH'
  | 'SIG_NON_CANONICAL_KEY'
  | 'SIG_SMALL_ORDER_KEY'
  | 'SIG_MIXED_ORDER_KEY';

/** A key or signature that failed, by its hex (null when it was no byte array) or by its place in a list. */
type KeyMeta = ErrorMeta & { publicKey?: string | null; length?: number | null; index?: number };

declare module '@babychain/codec' {
  interface BabyErrorMeta extends Record<CryptoErrorCode, KeyMeta> {
    [CryptoErrorCode.CRYPTO_BAD_ADDRESS]: KeyMeta & { address?: string; prefix?: string };
    [CryptoErrorCode.CRYPTO_WRONG_ADDRESS_PREFIX]: ErrorMeta & {
      address: string;
      prefix: string;
      expectedPrefix: string;
    };
    [CryptoErrorCode.CRYPTO_MULTISIG_TOO_MANY_KEYS]: ErrorMeta & { count: number; max: number };
    [CryptoErrorCode.CRYPTO_MULTISIG_BAD_THRESHOLD]: ErrorMeta & { threshold?: number; keys?: number };
    [CryptoErrorCode.CRYPTO_BAD_MNEMONIC]: ErrorMeta & { words?: number; position?: number };
    [CryptoErrorCode.CRYPTO_BAD_DERIVATION_PATH]: ErrorMeta & { path?: string; index?: number; account?: number };
    [CryptoErrorCode.CRYPTO_WRONG_PASSPHRASE]: ErrorMeta & { name?: string };
    [CryptoErrorCode.CRYPTO_BAD_KEYSTORE]: ErrorMeta & { name?: string; fields?: string[]; kdfParams?: unknown };
    [CryptoErrorCode.CRYPTO_BAD_KEY_NAME]: ErrorMeta & { name: unknown };
    [CryptoErrorCode.CRYPTO_KEY_EXISTS]: ErrorMeta & { name: string };
    [CryptoErrorCode.CRYPTO_KEY_NOT_FOUND]: ErrorMeta & { name: string };
    [CryptoErrorCode.CRYPTO_NOT_A_SIGNING_KEY]: ErrorMeta & { name: string };
  }
}

export type CryptoError = BabyError<CryptoErrorCode>;

export function cryptoError<Code extends CryptoErrorCode>(
  code: Code,
  message: string,
  ...[meta, cause]: MetaArgs<Code, unknown>
): CryptoError {
  return new BabyError<CryptoErrorCode>(code, message, meta, cause === undefined ? undefined : { cause });
}
