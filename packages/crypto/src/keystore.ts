/**
 * Keystore file format version 1 (specs/addresses.md, KEY-3): one secret Ed25519 seed, optionally with the
 * mnemonic it came from, encrypted under a passphrase with scrypt + AES-256-GCM.
 *
 * Layout (JSON):
 *
 * ```
 * { "version": 1, "name": "alice", "kind": "ed25519", "publicKey": hex, "createdAt": ISO-8601,
 *   "crypto": { "kdf": "scrypt", "kdfParams": { "n", "r", "p", "dkLen": 32, "salt": 16 bytes hex },
 *               "cipher": "aes-256-gcm", "nonce": 12 bytes hex, "check": 32 bytes hex,
 *               "ciphertext": hex (includes the 16-byte tag) } }
 * ```
 *
 * - K = scrypt(NFKC(passphrase) as UTF-8, salt, n, r, p, dkLen = 32). K is the AES-256-GCM key.
 * - `check` = HMAC-SHA256(key = K, "babychain keystore v1 passphrase check"). It tells a wrong passphrase
 *   (check differs: CRYPTO_WRONG_PASSPHRASE) from a file altered after encryption (check matches but the GCM tag
 *   fails: CRYPTO_BAD_KEYSTORE). It reveals nothing the GCM tag does not already let anyone test.
 * - additional data = the canonical JSON (keys sorted, no spaces) of the whole file without `crypto.ciphertext`,
 *   so editing any other field (name, public key, parameters) breaks decryption.
 * - plaintext = UTF-8 JSON `{"seed":hex,"mnemonic":words|null,"account":n|null}`.
 * - After decryption the public key of the seed must equal `publicKey`, else CRYPTO_BAD_KEYSTORE.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { bytesEqual, type MetaOf, toHex } from '@babychain/codec';
import { publicKeyFromSeed, SEED_LENGTH } from './ed25519.ts';
import { type CryptoErrorCode, cryptoError } from './errors.ts';
import { validateMnemonic } from './hd.ts';

const scryptAsync = promisify(scrypt) as (
  password: Uint8Array,
  salt: Uint8Array,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const KEYSTORE_VERSION = 1;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;
const CHECK_LABEL = 'babychain keystore v1 passphrase check';
/** KEY-3: stored key names, lower case ASCII. */
export const KEY_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** KEY-2: an account index is a SLIP-10 hardened index without its hardened bit. */
const MAX_ACCOUNT = 2 ** 31 - 1;
/** KEY-3: createdAt as Date.prototype.toISOString writes it. */
const CREATED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^17, r = 8, p = 1: about 128 MiB and a few hundred milliseconds per unlock. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ n: 2 ** 17, r: 8, p: 1 });

/**
 * Bounds on what a file may ask scrypt for, checked before any work, so a crafted file can neither exhaust memory
 * (scrypt needs 128 * n * r bytes) nor CPU. The defaults use half the memory and an eighth of the work allowed.
 */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_WORK = 2 ** 23; // n * r * p
const SCRYPT_MAXMEM = MAX_MEMORY_BYTES + 16 * 1024 * 1024;

export interface KeystoreCryptoV1 {
  readonly kdf: 'scrypt';
  readonly kdfParams: ScryptParams & { readonly dkLen: 32; readonly salt: string };
  readonly cipher: 'aes-256-gcm';
  readonly nonce: string;
  readonly check: string;
  readonly ciphertext: string;
}

export interface KeystoreV1 {
  readonly version: 1;
  readonly name: string;
  readonly kind: 'ed25519';
  readonly publicKey: string;
  readonly createdAt: string;
  readonly crypto: KeystoreCryptoV1;
}

export interface KeystoreSecret {
  /** The 32-byte Ed25519 seed. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  /** The mnemonic the seed was derived from, when the key was created from one. */
  readonly mnemonic: string | null;
  /** The account index of the derivation path, with the mnemonic. */
  readonly account: number | null;
  readonly name: string;
}

export interface EncryptKeystoreOptions {
  readonly name: string;
  readonly kdfParams?: ScryptParams;
  readonly mnemonic?: string;
  readonly account?: number;
  /** Defaults to now. */
  readonly createdAt?: Date;
}

/** Canonical JSON: object keys sorted by code unit, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function checkScryptParams(params: ScryptParams, onError: (why: string) => never): void {
  const { n, r, p } = params;
  if (!Number.isSafeInteger(n) || n < 2 || n > MAX_N || (n & (n - 1)) !== 0) {
    onError(`scrypt n must be a power of two from 2 to 2^20, got ${n}`);
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R) onError(`scrypt r must be 1 to ${MAX_R}, got ${r}`);
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_P) onError(`scrypt p must be 1 to ${MAX_P}, got ${p}`);
  if (128 * n * r > MAX_MEMORY_BYTES) onError(`scrypt n * r needs ${128 * n * r} bytes, at most ${MAX_MEMORY_BYTES}`);
  if (n * r * p > MAX_WORK) onError(`scrypt n * r * p is ${n * r * p}, at most ${MAX_WORK}`);
}

async function deriveKey(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const password = new TextEncoder().encode(passphrase.normalize('NFKC'));
  return scryptAsync(password, salt, KEY_LENGTH, { N: params.n, r: params.r, p: params.p, maxmem: SCRYPT_MAXMEM });
}

function passphraseCheck(key: Uint8Array): Buffer {
  return createHmac('sha256', key).update(CHECK_LABEL).digest();
}

function additionalData(file: KeystoreV1): Buffer {
  const { ciphertext: _omitted, ...cryptoWithoutCiphertext } = file.crypto;
  return Buffer.from(canonicalJson({ ...file, crypto: cryptoWithoutCiphertext }), 'utf8');
}

/** Encrypts a 32-byte Ed25519 seed (and optionally its mnemonic) into a version 1 keystore object. */
export async function encryptKeystore(
  seed: Uint8Array,
  passphrase: string,
  options: EncryptKeystoreOptions,
): Promise<KeystoreV1> {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw cryptoError('CRYPTO_BAD_SEED', `a keystore holds a ${SEED_LENGTH}-byte ed25519 seed`);
  }
  if (typeof passphrase !== 'string') throw cryptoError('CRYPTO_WRONG_PASSPHRASE', 'the passphrase is a string');
  const params = options.kdfParams ?? DEFAULT_SCRYPT_PARAMS;
  checkScryptParams(params, (why) => {
    throw cryptoError('CRYPTO_BAD_KEYSTORE', why, { kdfParams: params });
  });
  // What the reader would refuse is refused here too, so no file is written that cannot be read back.
  if (!KEY_NAME_PATTERN.test(options.name)) {
    throw cryptoError('CRYPTO_BAD_KEY_NAME', `invalid key name ${JSON.stringify(options.name)}`, {
      name: options.name,
    });
  }
  const account = options.account ?? null;
  if (account !== null && !isAccountIndex(account)) {
    throw cryptoError('CRYPTO_BAD_DERIVATION_PATH', `account must be an integer from 0 to ${MAX_ACCOUNT}`, { account });
  }
  const mnemonic = options.mnemonic === undefined ? null : validateMnemonic(options.mnemonic);
  const salt = randomBytes(SALT_LENGTH);
  const nonce = randomBytes(NONCE_LENGTH);
  const key = await deriveKey(passphrase, salt, params);
  const header: KeystoreV1 = {
    version: KEYSTORE_VERSION,
    name: options.name,
    kind: 'ed25519',
    publicKey: toHex(publicKeyFromSeed(seed)),
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    crypto: {
      kdf: 'scrypt',
      kdfParams: { n: params.n, r: params.r, p: params.p, dkLen: KEY_LENGTH, salt: toHex(salt) },
      cipher: 'aes-256-gcm',
      nonce: toHex(nonce),
      check: toHex(passphraseCheck(key)),
      ciphertext: '',
    },
  };
  const plaintext = Buffer.from(JSON.stringify({ seed: toHex(seed), mnemonic, account }), 'utf8');
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(additionalData(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  plaintext.fill(0);
  key.fill(0);
  return { ...header, crypto: { ...header.crypto, ciphertext: toHex(ciphertext) } };
}

function bad(why: string, meta: MetaOf<typeof CryptoErrorCode.CRYPTO_BAD_KEYSTORE> = {}, cause?: unknown): never {
  throw cryptoError('CRYPTO_BAD_KEYSTORE', `not a valid keystore file: ${why}`, meta, cause);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function exactKeys(obj: Record<string, unknown>, keys: readonly string[], where: string): void {
  const actual = Object.keys(obj).sort();
  const expected = [...keys].sort();
  if (actual.length !== expected.length || actual.some((k, i) => k !== expected[i])) {
    bad(`${where} must have exactly the fields ${expected.join(', ')}`, { fields: actual });
  }
}

function hexField(obj: Record<string, unknown>, key: string, length: number | 'any'): string {
  const v = obj[key];
  if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v)) bad(`${key} must be lower-case hex`);
  if (length !== 'any' && v.length !== length * 2) bad(`${key} must be ${length} bytes`);
  return v;
}

function isAccountIndex(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0 && v <= MAX_ACCOUNT;
}

function intField(obj: Record<string, unknown>, key: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(`${key} must be an integer`);
  return v;
}

/** Checks the shape of a version 1 keystore object (no decryption). CRYPTO_BAD_KEYSTORE when it is not one. */
export function parseKeystore(json: string | unknown): KeystoreV1 {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      bad('it is not JSON', {}, err);
    }
  }
  if (!isRecord(value)) bad('it is not a JSON object');
  if (value['version'] !== KEYSTORE_VERSION) bad(`unsupported version ${JSON.stringify(value['version'])}`);
  if (value['kind'] !== 'ed25519') bad(`kind must be "ed25519", got ${JSON.stringify(value['kind'])}`);
  exactKeys(value, ['version', 'name', 'kind', 'publicKey', 'createdAt', 'crypto'], 'the file');
  const name = value['name'];
  if (typeof name !== 'string' || !KEY_NAME_PATTERN.test(name)) bad('name must match the key name pattern (KEY-3)');
  const publicKey = hexField(value, 'publicKey', 32);
  const createdAt = value['createdAt'];
  if (typeof createdAt !== 'string' || !CREATED_AT_PATTERN.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    bad('createdAt must be a UTC time as YYYY-MM-DDTHH:mm:ss.sssZ');
  }
  const crypto = value['crypto'];
  if (!isRecord(crypto)) bad('crypto must be an object');
  exactKeys(crypto, ['kdf', 'kdfParams', 'cipher', 'nonce', 'check', 'ciphertext'], 'crypto');
  if (crypto['kdf'] !== 'scrypt') bad('crypto.kdf must be "scrypt"');
  if (crypto['cipher'] !== 'aes-256-gcm') bad('crypto.cipher must be "aes-256-gcm"');
  const kdfParams = crypto['kdfParams'];
  if (!isRecord(kdfParams)) bad('crypto.kdfParams must be an object');
  exactKeys(kdfParams, ['n', 'r', 'p', 'dkLen', 'salt'], 'crypto.kdfParams');
  const params = { n: intField(kdfParams, 'n'), r: intField(kdfParams, 'r'), p: intField(kdfParams, 'p') };
  checkScryptParams(params, (why) => bad(why));
  if (kdfParams['dkLen'] !== KEY_LENGTH) bad(`crypto.kdfParams.dkLen must be ${KEY_LENGTH}`);
  const salt = hexField(kdfParams, 'salt', SALT_LENGTH);
  const nonce = hexField(crypto, 'nonce', NONCE_LENGTH);
  const check = hexField(crypto, 'check', 32);
  const ciphertext = hexField(crypto, 'ciphertext', 'any');
  if (ciphertext.length / 2 <= TAG_LENGTH) bad('crypto.ciphertext is too short');
  return {
    version: KEYSTORE_VERSION,
    name,
    kind: 'ed25519',
    publicKey,
    createdAt,
    crypto: {
      kdf: 'scrypt',
      kdfParams: { ...params, dkLen: KEY_LENGTH, salt },
      cipher: 'aes-256-gcm',
      nonce,
      check,
      ciphertext,
    },
  };
}

function parsePlaintext(plaintext: Buffer): { seed: Uint8Array; mnemonic: string | null; account: number | null } {
  let value: unknown;
  try {
    value = JSON.parse(plaintext.toString('utf8'));
  } catch (err) {
    bad('the decrypted content is not JSON', {}, err);
  }
  if (!isRecord(value)) bad('the decrypted content is not an object');
  exactKeys(value, ['seed', 'mnemonic', 'account'], 'the decrypted content');
  const seed = Uint8Array.from(Buffer.from(hexField(value, 'seed', SEED_LENGTH), 'hex'));
  const mnemonic = value['mnemonic'];
  if (mnemonic !== null && typeof mnemonic !== 'string') bad('mnemonic must be a string or null');
  const account = value['account'] === null ? null : intField(value, 'account');
  if (account !== null && !isAccountIndex(account)) bad(`account must be an integer from 0 to ${MAX_ACCOUNT}`);
  return { seed, mnemonic, account };
}

/**
 * Decrypts a version 1 keystore (JSON text or parsed object). A wrong passphrase: CRYPTO_WRONG_PASSPHRASE. A file
 * that is malformed, was altered, or whose public key does not match its seed: CRYPTO_BAD_KEYSTORE.
 */
export async function decryptKeystore(json: string | unknown, passphrase: string): Promise<KeystoreSecret> {
  const file = parseKeystore(json);
  if (typeof passphrase !== 'string') throw cryptoError('CRYPTO_WRONG_PASSPHRASE', 'the passphrase is a string');
  const { kdfParams, nonce, check, ciphertext } = file.crypto;
  const key = await deriveKey(passphrase, Buffer.from(kdfParams.salt, 'hex'), kdfParams);
  try {
    if (!timingSafeEqual(passphraseCheck(key), Buffer.from(check, 'hex'))) {
      throw cryptoError('CRYPTO_WRONG_PASSPHRASE', `wrong passphrase for key "${file.name}"`, { name: file.name });
    }
    const body = Buffer.from(ciphertext, 'hex');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'hex'), { authTagLength: TAG_LENGTH });
    decipher.setAAD(additionalData(file));
    decipher.setAuthTag(body.subarray(body.length - TAG_LENGTH));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_LENGTH)), decipher.final()]);
    } catch (err) {
      bad('the passphrase is right but the file was modified after it was written', { name: file.name }, err);
    }
    try {
      const secret = parsePlaintext(plaintext);
      const publicKey = publicKeyFromSeed(secret.seed);
      if (!bytesEqual(publicKey, Buffer.from(file.publicKey, 'hex'))) {
        bad('the public key does not match the encrypted seed', { name: file.name });
      }
      return { ...secret, publicKey, name: file.name };
    } finally {
      plaintext.fill(0);
    }
  } finally {
    key.fill(0);
  }
}

/** The file text of a keystore: pretty JSON with a final newline. */
export function serializeKeystore(file: KeystoreV1): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
