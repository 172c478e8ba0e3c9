/** sendTransfer: the whole path of a single-key transfer — read the chain, sign, submit, wait for inclusion. */
import { toHex, txId } from '@babychain/codec';
import { addressFromPublicKey, decodeAddress, encodeAddress, publicKeyFromSeed } from '@babychain/crypto';
import type { BabyClient } from './client.ts';
import { signedTransfer } from './transfer.ts';

export interface TransferOptions extends SubmitOptions {
  /** the sender's 32-byte ed25519 seed */
  readonly seed: Uint8Array;
  /** bech32m recipient; its prefix is the chain's, and the sender's address is shown with it */
  readonly to: string;
  readonly amount: bigint;
  /** default: the chain's minimum fee (status `params.minFee`) */
  readonly fee?: bigint;
  readonly memo?: string;
  /** default: the sender account's nonce at the last committed height */
  readonly nonce?: bigint;
}

export interface TransferResult {
  readonly id: string;
  /** set once the transaction is known to be included */
  readonly height?: bigint;
  readonly index?: number;
  readonly fee: bigint;
  readonly nonce: bigint;
}

/** The human-readable part of a bech32 address: everything before the last `1`. */
export function addressPrefix(address: string): string {
  const at = address.lastIndexOf('1');
  return at <= 0 ? '' : address.slice(0, at).toLowerCase();
}

/**
 * Reads the chain id from the node's status and the address prefix from `to`, signs a transfer from the seed's
 * account and submits it; by default waits until it is committed. Errors are the node's (`TX_BAD_NONCE`,
 * `TX_INSUFFICIENT_FUNDS`, ...) or the client's (`CLIENT_TIMEOUT`, ...). Several transfers in flight from one
 * account without waiting need explicit nonces: the default reads the committed nonce.
 */
export async function sendTransfer(client: BabyClient, options: TransferOptions): Promise<TransferResult> {
  const prefix = addressPrefix(options.to);
  const to = decodeAddress(options.to, prefix);
  const publicKey = publicKeyFromSeed(options.seed);
  const [status, nonce] = await Promise.all([
    client.status(),
    options.nonce ?? client.account(encodeAddress(addressFromPublicKey(publicKey), prefix)).then((a) => a.nonce),
  ]);
  const fee = options.fee ?? status.params.minFee;
  const tx = signedTransfer({
    chainId: status.chainId,
    seed: options.seed,
    publicKey,
    to,
    amount: options.amount,
    fee,
    nonce,
    ...(options.memo === undefined ? {} : { memo: options.memo }),
  });
  const { id, height, index } = await submitAndWait(client, tx, options);
  return height === undefined || index === undefined ? { id, fee, nonce } : { id, height, index, fee, nonce };
}

/** How `submitAndWait` submits and how long it waits. */
export interface SubmitOptions {
  /** wait for inclusion (default true); ignored in `commit` mode, which answers after inclusion */
  readonly wait?: boolean;
  /** default `sync`: a refusal comes back at once with the node's code */
  readonly mode?: 'sync' | 'commit';
  /** how long to wait for inclusion, default 30 000 ms */
  readonly waitTimeoutMs?: number;
  /** called while waiting for inclusion */
  readonly onProgress?: (elapsedMs: number) => void;
}

export interface Submitted {
  readonly id: string;
  /** set once the transaction is known to be included */
  readonly height?: bigint;
  readonly index?: number;
  /** without waiting: `pending` or `queued` as the node admitted it */
  readonly status?: 'pending' | 'queued';
}

/** Submits signed transaction bytes and, unless told not to, waits until they are committed. */
export async function submitAndWait(
  client: BabyClient,
  tx: Uint8Array,
  options: SubmitOptions = {},
): Promise<Submitted> {
  const mode = options.mode ?? 'sync';
  const submitted = await client.submit(tx, mode);
  const id = submitted.id;
  if (mode === 'commit' && submitted.height !== undefined && submitted.index !== undefined) {
    return { id, height: submitted.height, index: submitted.index };
  }
  if (options.wait === false) return submitted.status === undefined ? { id } : { id, status: submitted.status };
  const included = await client.waitForTx(id, {
    ...(options.waitTimeoutMs === undefined ? {} : { timeoutMs: options.waitTimeoutMs }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  return { id, height: included.height, index: included.index };
}

/** The id (hex) of transaction bytes, as the node reports it. */
export function txIdHex(tx: Uint8Array): string {
  return toHex(txId(tx));
}
