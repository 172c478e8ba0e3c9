/**
 * Wallet keys (specs/addresses.md, KEY-1 and KEY-2): BIP-39 English mnemonics and SLIP-0010 Ed25519 derivation on
 * the all-hardened path m/44'/8888'/{account}'/0'/0'.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import * as bip39 from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { publicKeyFromSeedPortable as publicKeyFromSeed } from './ed25519-portable.ts';
import { cryptoError } from './errors.ts';

/** SLIP-0044 coin type used by Babychain until a registration. */
export const COIN_TYPE = 8888;
export const HARDENED_OFFSET = 0x80000000;

const ACCEPTED_WORD_COUNTS = new Set([12, 15, 18, 21, 24]);
const SLIP10_ED25519_KEY = new TextEncoder().encode('ed25519 seed');

/** A mnemonic as BIP-39 reads it: NFKD, lower case, single spaces. */
function normalizeMnemonic(mnemonic: string): string {
  if (typeof mnemonic !== 'string') throw cryptoError('CRYPTO_BAD_MNEMONIC', 'a mnemonic is a string of words');
  return mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/u).join(' ');
}

/** A new English mnemonic from the CSPRNG: 24 words by default (KEY-1), or 12. */
export function generateMnemonic(words: 12 | 24 = 24): string {
  if (words !== 12 && words !== 24) {
    throw cryptoError('CRYPTO_BAD_MNEMONIC', 'a new mnemonic has 12 or 24 words', { words });
  }
  return bip39.generateMnemonic(english, words === 24 ? 256 : 128);
}

const ENGLISH_WORDS: ReadonlySet<string> = new Set(english);

/**
 * KEY-1: checks that `mnemonic` is 12, 15, 18, 21 or 24 English BIP-39 words with a valid checksum and returns it
 * normalized (lower case, single spaces). Otherwise CRYPTO_BAD_MNEMONIC, saying which part is wrong.
 */
export function validateMnemonic(mnemonic: string): string {
  const normalized = normalizeMnemonic(mnemonic);
  const words = normalized === '' ? [] : normalized.split(' ');
  if (!ACCEPTED_WORD_COUNTS.has(words.length)) {
    throw cryptoError('CRYPTO_BAD_MNEMONIC', `a mnemonic has 12, 15, 18, 21 or 24 words, not ${words.length}`, {
      words: words.length,
    });
  }
  const unknown = words.findIndex((w) => !ENGLISH_WORDS.has(w));
  if (unknown !== -1) {
    throw cryptoError('CRYPTO_BAD_MNEMONIC', `word ${unknown + 1} is not in the BIP-39 English word list`, {
      position: unknown + 1,
    });
  }
  if (!bip39.validateMnemonic(normalized, english)) {
    throw cryptoError('CRYPTO_BAD_MNEMONIC', 'the mnemonic checksum does not match: a word is wrong or misplaced');
  }
  return normalized;
}

/** The 64-byte BIP-39 seed of a valid mnemonic and an optional BIP-39 passphrase (empty by default). */
export function mnemonicToSeed(mnemonic: string, bip39Passphrase = ''): Uint8Array {
  return bip39.mnemonicToSeedSync(validateMnemonic(mnemonic), bip39Passphrase);
}

export interface Slip10Node {
  /** The 32-byte child key; for Ed25519 it is the key pair's seed (SIG-1). */
  readonly privateKey: Uint8Array;
  readonly chainCode: Uint8Array;
}

function badPath(path: string, why: string): never {
  throw cryptoError('CRYPTO_BAD_DERIVATION_PATH', `bad derivation path ${JSON.stringify(path)}: ${why}`, { path });
}

/**
 * Parses `m/44'/8888'/0'/0'/0'` (an apostrophe, `h` or `H` marks a hardened index) into child indexes with the
 * hardened bit set. SLIP-0010 Ed25519 has hardened children only: any other component is CRYPTO_BAD_DERIVATION_PATH.
 */
export function parseDerivationPath(path: string): number[] {
  if (typeof path !== 'string') badPath(String(path), 'not a string');
  const parts = path.split('/');
  if (parts[0] !== 'm') badPath(path, 'it must start with "m"');
  return parts.slice(1).map((part) => {
    const match = /^(0|[1-9][0-9]{0,9})(['hH]?)$/.exec(part);
    if (match === null) badPath(path, `"${part}" is not an index`);
    const index = Number(match[1]);
    if (index >= HARDENED_OFFSET) badPath(path, `index ${index} is not below 2^31`);
    if (match[2] === '') badPath(path, `index ${index} is not hardened; ed25519 derivation is hardened-only`);
    return index + HARDENED_OFFSET;
  });
}

/** SLIP-0010 master node for Ed25519: HMAC-SHA512(key = "ed25519 seed", data = seed). */
export function slip10Master(seed: Uint8Array): Slip10Node {
  const i = hmac(sha512, SLIP10_ED25519_KEY, seed);
  return { privateKey: i.slice(0, 32), chainCode: i.slice(32) };
}

/** SLIP-0010 hardened child: HMAC-SHA512(key = chain code, data = 0x00 || key || ser32(index)). */
export function slip10Child(parent: Slip10Node, index: number): Slip10Node {
  if (!Number.isInteger(index) || index < HARDENED_OFFSET || index > 0xffffffff) {
    throw cryptoError('CRYPTO_BAD_DERIVATION_PATH', `child index ${index} is not hardened`, { index });
  }
  const data = new Uint8Array(37);
  data.set(parent.privateKey, 1);
  new DataView(data.buffer).setUint32(33, index, false);
  const i = hmac(sha512, parent.chainCode, data);
  return { privateKey: i.slice(0, 32), chainCode: i.slice(32) };
}

/** SLIP-0010 Ed25519 derivation of `path` from a BIP-39 seed (16 to 64 bytes). */
export function slip10Derive(seed: Uint8Array, path: string): Slip10Node {
  const indexes = parseDerivationPath(path);
  let node = slip10Master(seed);
  for (const index of indexes) node = slip10Child(node, index);
  return node;
}

function checkAccount(account: number): void {
  if (!Number.isSafeInteger(account) || account < 0 || account >= HARDENED_OFFSET) {
    throw cryptoError('CRYPTO_BAD_DERIVATION_PATH', `account must be an integer from 0 to 2^31 - 1, got ${account}`, {
      account,
    });
  }
}

/** KEY-2: the path of account `account`, `m/44'/8888'/{account}'/0'/0'`. */
export function accountPath(account: number): string {
  checkAccount(account);
  return `m/44'/${COIN_TYPE}'/${account}'/0'/0'`;
}

export interface DerivedAccountKey {
  /** The 32-byte Ed25519 seed. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly path: string;
  readonly account: number;
}

/** KEY-1 + KEY-2: the Ed25519 key of `account` from a mnemonic and an optional BIP-39 passphrase. */
export function deriveAccountKey(mnemonic: string, account = 0, bip39Passphrase = ''): DerivedAccountKey {
  const path = accountPath(account);
  const { privateKey } = slip10Derive(mnemonicToSeed(mnemonic, bip39Passphrase), path);
  return { seed: privateKey, publicKey: publicKeyFromSeed(privateKey), path, account };
}
