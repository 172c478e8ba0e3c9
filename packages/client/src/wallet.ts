/**
 * Wallet: one signing key and its address, so that an app needs no second package to make a key and send coins.
 * Keys derive exactly as the CLI's keyring derives them (specs/addresses.md KEY-1, KEY-2: BIP-39, then SLIP-0010 on
 * m/44'/8888'/{account}'/0'/0'), so a mnemonic gives the same address here as in `baby keys recover`.
 */
import { BabyError, fromHex, type Signature, type TxBody, toHex } from '@babychain/codec';
import {
  addressFromPublicKey,
  CryptoErrorCode,
  DEFAULT_ADDRESS_PREFIX,
  deriveAccountKey,
  encodeAddress,
  generateMnemonic,
  publicKeyFromSeed,
} from '@babychain/crypto';
import type { BabyClient } from './client.ts';
import { sendTransfer, type TransferOptions, type TransferResult } from './send.ts';
import { signBody } from './transfer.ts';

export interface WalletOptions {
  /** the chain's address prefix (bech32m human-readable part), default `baby` */
  readonly prefix?: string;
}

export interface MnemonicOptions extends WalletOptions {
  /** the account of m/44'/8888'/{account}'/0'/0', default 0 (the CLI's `--account`) */
  readonly account?: number;
  /** the BIP-39 passphrase ("25th word"), default empty */
  readonly bip39Passphrase?: string;
}

/** A transfer from the wallet: sendTransfer's options without the seed. */
export type WalletTransfer = Omit<TransferOptions, 'seed'>;

export class Wallet {
  readonly publicKey: Uint8Array;
  /** the 20-byte account address (ADDR-1) */
  readonly addressBytes: Uint8Array;
  /** bech32m with the wallet's prefix: where to send coins, what `client.account()` reads */
  readonly address: string;
  /** the derivation path when the key came from a mnemonic */
  readonly path: string | undefined;
  // A private field: the seed does not show in console.log, JSON.stringify or a spread of the wallet.
  readonly #seed: Uint8Array;

  private constructor(seed: Uint8Array, prefix: string, path: string | undefined) {
    this.#seed = seed;
    this.publicKey = publicKeyFromSeed(seed);
    this.addressBytes = addressFromPublicKey(this.publicKey);
    this.address = encodeAddress(this.addressBytes, prefix);
    this.path = path;
  }

  /** The key of `account` (default 0) of a 12- to 24-word BIP-39 mnemonic; a bad one is CRYPTO_BAD_MNEMONIC. */
  static fromMnemonic(mnemonic: string, options: MnemonicOptions = {}): Wallet {
    const key = deriveAccountKey(mnemonic, options.account ?? 0, options.bip39Passphrase ?? '');
    return new Wallet(key.seed, options.prefix ?? DEFAULT_ADDRESS_PREFIX, key.path);
  }

  /**
   * A new key from a new mnemonic (24 words unless `words: 12`). The mnemonic is returned this once and kept
   * nowhere: it is the only way to recover the key, so show it to be written down.
   */
  static generate(options: MnemonicOptions & { readonly words?: 12 | 24 } = {}): {
    wallet: Wallet;
    mnemonic: string;
  } {
    const mnemonic = generateMnemonic(options.words ?? 24);
    return { wallet: Wallet.fromMnemonic(mnemonic, options), mnemonic };
  }

  /** A raw 32-byte ed25519 seed, as bytes or 64 hex digits (a key not made from a mnemonic); else CRYPTO_BAD_SEED. */
  static fromSeed(seed: Uint8Array | string, options: WalletOptions = {}): Wallet {
    let bytes: Uint8Array;
    if (typeof seed === 'string') {
      if (!/^[0-9a-fA-F]{64}$/.test(seed)) {
        throw new BabyError(CryptoErrorCode.CRYPTO_BAD_SEED, 'a seed in hex is 64 hex digits (32 bytes)', {
          length: null,
        });
      }
      bytes = fromHex(seed);
    } else {
      // a copy: the caller may wipe or reuse its buffer
      bytes = seed instanceof Uint8Array ? seed.slice() : seed;
    }
    return new Wallet(bytes, options.prefix ?? DEFAULT_ADDRESS_PREFIX, undefined);
  }

  /**
   * Signs and submits a transfer of `amount` ubaby to `to` and, unless `wait: false`, waits until it is committed
   * (sendTransfer: the fee defaults to the chain's minimum, the nonce to the account's). Errors are the node's
   * (`TX_INSUFFICIENT_FUNDS`, ...) or the client's (`CLIENT_TIMEOUT`, ...).
   */
  send(client: BabyClient, transfer: WalletTransfer): Promise<TransferResult> {
    return sendTransfer(client, { ...transfer, seed: this.#seed });
  }

  /** This key's signature over a transaction body (a multisig member's share, or a body built by hand). */
  signBody(body: TxBody, keyIndex = 0): Signature {
    return signBody(body, this.#seed, keyIndex);
  }

  /** What JSON.stringify writes: the public half only. */
  toJSON(): { address: string; publicKey: string } {
    return { address: this.address, publicKey: toHex(this.publicKey) };
  }
}
