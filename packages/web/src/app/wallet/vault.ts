/**
 * Keys at rest in the browser: the 32-byte seed sealed with AES-256-GCM under a key that PBKDF2-SHA-256 stretches
 * from the user's passphrase, with a fresh salt and IV per record. A record holds the public half in the clear (so
 * the key list shows names and addresses without a passphrase) and never the mnemonic or the plain seed. Only
 * WebCrypto is used, so the same code runs in Node 24 for its test; where records live is a `KeyStore`.
 */
import { BabyError, toHex } from '@babychain/client';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256: about half a second on a laptop, the cost of each guess. */
export const DEFAULT_ITERATIONS = 600_000;
export const MIN_PASSPHRASE = 8;

/** The wallet's own refusals (packages/web/README.md lists them); the node's and the SDK's keep their codes. */
export const VaultErrorCode = Object.freeze({
  WRONG_PASSPHRASE: 'WALLET_WRONG_PASSPHRASE',
  SHORT_PASSPHRASE: 'WALLET_PASSPHRASE_TOO_SHORT',
  NAME_TAKEN: 'WALLET_NAME_TAKEN',
  BAD_NAME: 'WALLET_BAD_NAME',
  BAD_RECORD: 'WALLET_BAD_RECORD',
  WRONG_CHAIN: 'WALLET_WRONG_CHAIN',
} as const);

export interface KdfParams {
  readonly name: 'PBKDF2';
  readonly hash: 'SHA-256';
  readonly iterations: number;
}

/** One key as stored: everything but `ciphertext` is public. Byte fields are hex, so a record survives any store. */
export interface KeyRecord {
  readonly version: 1;
  readonly name: string;
  readonly address: string;
  readonly publicKey: string;
  readonly cipher: 'AES-GCM';
  /** the sealed seed with GCM's 16-byte tag */
  readonly ciphertext: string;
  readonly salt: string;
  readonly iv: string;
  readonly kdf: KdfParams;
  readonly createdMs: number;
}

/** Where records live: IndexedDB in the browser (idb.ts), a Map in tests. */
export interface KeyStore {
  list(): Promise<KeyRecord[]>;
  get(name: string): Promise<KeyRecord | undefined>;
  /** adds a record; refuses a name that is taken (WALLET_NAME_TAKEN) rather than overwrite a key */
  add(record: KeyRecord): Promise<void>;
  remove(name: string): Promise<void>;
}

export class MemoryStore implements KeyStore {
  readonly #records = new Map<string, KeyRecord>();
  async list(): Promise<KeyRecord[]> {
    return [...this.#records.values()];
  }
  async get(name: string): Promise<KeyRecord | undefined> {
    return this.#records.get(name);
  }
  async add(record: KeyRecord): Promise<void> {
    if (this.#records.has(record.name)) throw nameTaken(record.name);
    this.#records.set(record.name, record);
  }
  async remove(name: string): Promise<void> {
    this.#records.delete(name);
  }
}

export function nameTaken(name: string): BabyError {
  return new BabyError(VaultErrorCode.NAME_TAKEN, `there is already a key named "${name}" in this browser`, { name });
}

export interface SealInput {
  readonly name: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
}

/** The record of a seed sealed under `passphrase`; `iterations` is lower only in tests. */
export async function sealKey(
  input: SealInput,
  passphrase: string,
  iterations: number = DEFAULT_ITERATIONS,
): Promise<KeyRecord> {
  const name = input.name.trim();
  if (name === '' || name.length > 64) {
    throw new BabyError(VaultErrorCode.BAD_NAME, 'a key needs a name of 1 to 64 characters', {});
  }
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new BabyError(
      VaultErrorCode.SHORT_PASSPHRASE,
      `the passphrase must be at least ${MIN_PASSPHRASE} characters: it is all that protects the key in this browser`,
      { min: MIN_PASSPHRASE },
    );
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const kdf: KdfParams = { name: 'PBKDF2', hash: 'SHA-256', iterations };
  const publicKey = toHex(input.publicKey);
  const key = await deriveKey(passphrase, salt, kdf);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: boundData(input.address, publicKey) },
    key,
    copy(input.seed),
  );
  return {
    version: 1,
    name,
    address: input.address,
    publicKey,
    cipher: 'AES-GCM',
    ciphertext: toHex(new Uint8Array(sealed)),
    salt: toHex(salt),
    iv: toHex(iv),
    kdf,
    createdMs: Date.now(),
  };
}

/**
 * The seed of a record. A wrong passphrase and a record whose ciphertext or public fields were changed look the same
 * to GCM, so both are WALLET_WRONG_PASSPHRASE: the passphrase is by far the likelier cause.
 */
export async function openKey(record: KeyRecord, passphrase: string): Promise<Uint8Array> {
  if (record.version !== 1 || record.cipher !== 'AES-GCM' || record.kdf.name !== 'PBKDF2') {
    throw new BabyError(
      VaultErrorCode.BAD_RECORD,
      `the key "${record.name}" is stored in a form this console cannot read`,
      {},
    );
  }
  const key = await deriveKey(passphrase, hexBytes(record.salt), record.kdf);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: hexBytes(record.iv), additionalData: boundData(record.address, record.publicKey) },
      key,
      hexBytes(record.ciphertext),
    );
    return new Uint8Array(plain);
  } catch {
    throw new BabyError(VaultErrorCode.WRONG_PASSPHRASE, `wrong passphrase for the key "${record.name}"`, {});
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, kdf: KdfParams): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: kdf.hash, salt, iterations: kdf.iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

// The public fields are authenticated with the seed, so a record cannot be made to show another key's address.
function boundData(address: string, publicKeyHex: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`babychain-wallet-v1\n${address}\n${publicKeyHex}`);
}

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!/^([0-9a-f]{2})*$/.test(hex)) throw new BabyError(VaultErrorCode.BAD_RECORD, 'a stored key has a bad field', {});
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
