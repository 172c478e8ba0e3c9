/**
 * A directory of named keys (KEY-3): `<name>.key.json` per key, mode 0600, in a 0700 directory, each written
 * atomically (temporary file, fsync, link into place, fsync of the directory). File operations are synchronous
 * (small files, CLI use); only the scrypt-bound operations (add, unlock, importKeystore) are async.
 *
 * Signing keys are version 1 keystores (./keystore.ts). Multisig entries hold only public data:
 * `{ "version": 1, "name", "kind": "multisig", "threshold", "publicKeys": [hex, ...sorted], "createdAt" }`.
 * Names match /^[a-z0-9][a-z0-9_-]{0,39}$/i and are stored lower case, so "Alice" and "alice" are one key on every
 * file system.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { isBabyError, toHex } from '@babychain/codec';
import {
  addressFromPublicKey,
  DEFAULT_ADDRESS_PREFIX,
  encodeAddress,
  multisigAddress,
  sortMultisigKeys,
} from './address.ts';
import { cryptoError } from './errors.ts';
import { deriveAccountKey, generateMnemonic, validateMnemonic } from './hd.ts';
import {
  DEFAULT_SCRYPT_PARAMS,
  decryptKeystore,
  encryptKeystore,
  KEY_NAME_PATTERN,
  type KeystoreSecret,
  type KeystoreV1,
  parseKeystore,
  type ScryptParams,
  serializeKeystore,
} from './keystore.ts';

const FILE_SUFFIX = '.key.json';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface MultisigEntryV1 {
  readonly version: 1;
  readonly name: string;
  readonly kind: 'multisig';
  readonly threshold: number;
  readonly publicKeys: readonly string[];
  readonly createdAt: string;
}

/** Public information about a key, as plain JSON values (hex, bech32m text) so a CLI can print it directly. */
export type KeyInfo =
  | {
      readonly name: string;
      readonly kind: 'ed25519';
      /** bech32m address with the keyring's prefix. */
      readonly address: string;
      /** Hex of the 32-byte public key. */
      readonly publicKey: string;
      readonly createdAt: string;
    }
  | {
      readonly name: string;
      readonly kind: 'multisig';
      readonly address: string;
      readonly threshold: number;
      /** Hex of the 32-byte member keys, ascending. */
      readonly publicKeys: readonly string[];
      readonly createdAt: string;
    };

export interface KeyringOptions {
  /** The chain's address prefix for the `address` shown in KeyInfo. Default `baby`. */
  readonly addressPrefix?: string;
  /** scrypt parameters for new keystores. Default N = 2^17, r = 8, p = 1. */
  readonly kdfParams?: ScryptParams;
}

export interface AddKeyOptions {
  /** Restore from this mnemonic; without one a new 24-word mnemonic is generated and returned. */
  readonly mnemonic?: string;
  /** Account index of the derivation path m/44'/8888'/{account}'/0'/0'. Default 0. */
  readonly account?: number;
  /** BIP-39 passphrase (the "25th word"); not stored. Default empty. */
  readonly bip39Passphrase?: string;
}

/** The new key's public information and the mnemonic it was derived from (show it once, to be written down). */
export type AddedKey = KeyInfo & { readonly mnemonic: string };

/** Checks a key name and returns its stored (lower-case) form. */
export function normalizeKeyName(name: string): string {
  if (typeof name !== 'string' || !KEY_NAME_PATTERN.test(name.toLowerCase())) {
    throw cryptoError(
      'CRYPTO_BAD_KEY_NAME',
      `invalid key name ${JSON.stringify(name)}: 1 to 40 letters, digits, "_" or "-", starting with a letter or digit`,
      { name },
    );
  }
  return name.toLowerCase();
}

function fromHexStrict(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function isNodeError(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

function parseMultisigEntry(value: Record<string, unknown>, file: string): MultisigEntryV1 {
  const fail = (why: string): never => {
    throw cryptoError('CRYPTO_BAD_KEYSTORE', `not a valid multisig entry (${file}): ${why}`, { file });
  };
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'createdAt,kind,name,publicKeys,threshold,version') fail('unexpected fields');
  if (value['version'] !== 1) fail(`unsupported version ${JSON.stringify(value['version'])}`);
  const { name, threshold, publicKeys, createdAt } = value;
  if (typeof name !== 'string') fail('name must be a string');
  if (typeof createdAt !== 'string') fail('createdAt must be a string');
  if (typeof threshold !== 'number') fail('threshold must be a number');
  if (!Array.isArray(publicKeys) || publicKeys.some((k) => typeof k !== 'string' || !/^[0-9a-f]{64}$/.test(k))) {
    fail('publicKeys must be 32-byte lower-case hex strings');
  }
  const keyBytes = (publicKeys as string[]).map(fromHexStrict);
  try {
    multisigAddress(threshold as number, keyBytes);
  } catch (err) {
    if (isBabyError(err)) fail(err.message);
    throw err;
  }
  return {
    version: 1,
    name: name as string,
    kind: 'multisig',
    threshold: threshold as number,
    publicKeys: publicKeys as string[],
    createdAt: createdAt as string,
  };
}

export class Keyring {
  readonly dir: string;
  readonly #prefix: string;
  readonly #kdfParams: ScryptParams;
  #dirReady = false;

  /** `options` may be just the address prefix. Nothing touches the disk until the first call. */
  constructor(dir: string, options: KeyringOptions | string = {}) {
    const opts: KeyringOptions = typeof options === 'string' ? { addressPrefix: options } : options;
    this.dir = dir;
    this.#prefix = opts.addressPrefix ?? DEFAULT_ADDRESS_PREFIX;
    this.#kdfParams = opts.kdfParams ?? DEFAULT_SCRYPT_PARAMS;
  }

  /** Creates the directory (0700) on first write, and tightens an existing one that others can read. */
  #ensureDir(): void {
    if (this.#dirReady) return;
    mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    if ((statSync(this.dir).mode & 0o077) !== 0) chmodSync(this.dir, DIR_MODE);
    this.#dirReady = true;
  }

  #path(name: string): string {
    return join(this.dir, `${name}${FILE_SUFFIX}`);
  }

  /** Writes `text` to a new `<name>.key.json` atomically; CRYPTO_KEY_EXISTS if one exists. */
  #write(name: string, text: string): void {
    this.#ensureDir();
    const target = this.#path(name);
    const tmp = join(this.dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', FILE_MODE);
    try {
      writeFileSync(fd, text, 'utf8');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      // link() is the atomic "rename unless the target exists": two concurrent adds cannot both win.
      linkSync(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      if (isNodeError(err, 'EEXIST')) {
        throw cryptoError('CRYPTO_KEY_EXISTS', `a key named "${name}" already exists`, { name });
      }
      throw err;
    }
    unlinkSync(tmp);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  #exists(name: string): boolean {
    return existsSync(this.#path(name));
  }

  #assertFree(name: string): void {
    if (this.#exists(name)) throw cryptoError('CRYPTO_KEY_EXISTS', `a key named "${name}" already exists`, { name });
  }

  #readEntry(name: string): KeystoreV1 | MultisigEntryV1 {
    const file = this.#path(name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (isNodeError(err, 'ENOENT')) {
        throw cryptoError('CRYPTO_KEY_NOT_FOUND', `no key named "${name}" in ${this.dir}`, { name });
      }
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw cryptoError('CRYPTO_BAD_KEYSTORE', `${file} is not JSON`, { file }, err);
    }
    const kind = (value as Record<string, unknown> | null)?.['kind'];
    const entry =
      kind === 'multisig' ? parseMultisigEntry(value as Record<string, unknown>, file) : parseKeystore(value);
    if (entry.name !== name) {
      throw cryptoError('CRYPTO_BAD_KEYSTORE', `${file} holds the key "${entry.name}", not "${name}"`, { file });
    }
    return entry;
  }

  #info(entry: KeystoreV1 | MultisigEntryV1): KeyInfo {
    if (entry.kind === 'multisig') {
      const addressBytes = multisigAddress(entry.threshold, entry.publicKeys.map(fromHexStrict));
      return {
        name: entry.name,
        kind: 'multisig',
        address: encodeAddress(addressBytes, this.#prefix),
        threshold: entry.threshold,
        publicKeys: [...entry.publicKeys],
        createdAt: entry.createdAt,
      };
    }
    return {
      name: entry.name,
      kind: 'ed25519',
      address: encodeAddress(addressFromPublicKey(fromHexStrict(entry.publicKey)), this.#prefix),
      publicKey: entry.publicKey,
      createdAt: entry.createdAt,
    };
  }

  /**
   * Adds a signing key derived from a mnemonic (KEY-1, KEY-2): the given one, or a new 24-word one. The keystore
   * stores the seed, the mnemonic and the account, encrypted under `passphrase`.
   */
  async add(name: string, passphrase: string, options: AddKeyOptions = {}): Promise<AddedKey> {
    const stored = normalizeKeyName(name);
    const mnemonic = options.mnemonic === undefined ? generateMnemonic(24) : validateMnemonic(options.mnemonic);
    const account = options.account ?? 0;
    this.#assertFree(stored);
    const derived = deriveAccountKey(mnemonic, account, options.bip39Passphrase ?? '');
    const file = await encryptKeystore(derived.seed, passphrase, {
      name: stored,
      kdfParams: this.#kdfParams,
      mnemonic,
      account,
    });
    derived.seed.fill(0);
    this.#write(stored, serializeKeystore(file));
    return { ...this.#info(file), mnemonic };
  }

  /** Every key, sorted by name. A malformed file fails the listing with CRYPTO_BAD_KEYSTORE naming the file. */
  list(): KeyInfo[] {
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch (err) {
      if (isNodeError(err, 'ENOENT')) return [];
      throw err;
    }
    return files
      .filter((f) => f.endsWith(FILE_SUFFIX))
      .map((f) => f.slice(0, -FILE_SUFFIX.length))
      .filter((n) => KEY_NAME_PATTERN.test(n))
      .sort()
      .map((n) => this.#info(this.#readEntry(n)));
  }

  /** Public information about one key: kind, public key(s), address. CRYPTO_KEY_NOT_FOUND if absent. */
  get(name: string): KeyInfo {
    return this.#info(this.#readEntry(normalizeKeyName(name)));
  }

  #signingEntry(name: string): KeystoreV1 {
    const stored = normalizeKeyName(name);
    const entry = this.#readEntry(stored);
    if (entry.kind === 'multisig') {
      throw cryptoError('CRYPTO_NOT_A_SIGNING_KEY', `"${stored}" is a multisig entry and holds no secret key`, {
        name: stored,
      });
    }
    return entry;
  }

  /** Decrypts a signing key. CRYPTO_WRONG_PASSPHRASE, CRYPTO_KEY_NOT_FOUND, CRYPTO_NOT_A_SIGNING_KEY (multisig). */
  async unlock(name: string, passphrase: string): Promise<KeystoreSecret> {
    return decryptKeystore(this.#signingEntry(name), passphrase);
  }

  /** The keystore file text of a signing key (still encrypted), for backup or moving to another machine. */
  exportKeystore(name: string): string {
    return serializeKeystore(this.#signingEntry(name));
  }

  /**
   * Imports a keystore file under `name`. The passphrase must open it (CRYPTO_WRONG_PASSPHRASE otherwise). A file
   * whose recorded name differs is re-encrypted under the same passphrase and parameters, because the name is
   * authenticated data.
   */
  async importKeystore(name: string, json: string, passphrase: string): Promise<KeyInfo> {
    const stored = normalizeKeyName(name);
    const file = parseKeystore(json);
    this.#assertFree(stored);
    const secret = await decryptKeystore(file, passphrase);
    let toStore = file;
    if (file.name !== stored) {
      toStore = await encryptKeystore(secret.seed, passphrase, {
        name: stored,
        kdfParams: file.crypto.kdfParams,
        ...(secret.mnemonic === null ? {} : { mnemonic: secret.mnemonic }),
        ...(secret.account === null ? {} : { account: secret.account }),
        createdAt: new Date(file.createdAt),
      });
    }
    secret.seed.fill(0);
    this.#write(stored, serializeKeystore(toStore));
    return this.#info(toStore);
  }

  /** Deletes a key file. CRYPTO_KEY_NOT_FOUND if absent. */
  remove(name: string): void {
    const stored = normalizeKeyName(name);
    try {
      unlinkSync(this.#path(stored));
    } catch (err) {
      if (isNodeError(err, 'ENOENT')) {
        throw cryptoError('CRYPTO_KEY_NOT_FOUND', `no key named "${stored}" in ${this.dir}`, { name: stored });
      }
      throw err;
    }
  }

  /**
   * Adds a k-of-n multisig entry. Each member is a 32-byte public key, its 64-character hex, or the name of a
   * signing key in this keyring. Keys are sorted (ADDR-3); a key given twice is CRYPTO_MULTISIG_DUPLICATE_KEY.
   */
  addMultisig(name: string, threshold: number, members: readonly (Uint8Array | string)[]): KeyInfo {
    const stored = normalizeKeyName(name);
    const keys = members.map((member) => {
      if (member instanceof Uint8Array) return member;
      if (/^[0-9a-fA-F]{64}$/.test(member)) return fromHexStrict(member.toLowerCase());
      const info = this.get(member);
      if (info.kind !== 'ed25519') {
        throw cryptoError('CRYPTO_NOT_A_SIGNING_KEY', `"${info.name}" is a multisig entry, not a single key`, {
          name: info.name,
        });
      }
      return fromHexStrict(info.publicKey);
    });
    const sorted = sortMultisigKeys(keys);
    multisigAddress(threshold, sorted); // the remaining ADDR-3 checks: key count and threshold
    this.#assertFree(stored);
    const entry: MultisigEntryV1 = {
      version: 1,
      name: stored,
      kind: 'multisig',
      threshold,
      publicKeys: sorted.map((k) => toHex(k)),
      createdAt: new Date().toISOString(),
    };
    this.#write(stored, `${JSON.stringify(entry, null, 2)}\n`);
    return this.#info(entry);
  }
}
