import type { JsonValue, MultisigKey, Signature, Signer, Tx, TxBody } from '@babychain/codec';
import { encode, fromJson, toJson, txSignBytes } from '@babychain/codec';
import { sign } from '@babychain/crypto';

export interface TransferRequest {
  readonly chainId: string;
  /** A single ed25519 public key, or a multisig key with its keys in ascending order (ADDR-3). */
  readonly signer: Uint8Array | MultisigKey;
  /** 20-byte recipient address. */
  readonly to: Uint8Array;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly nonce: bigint;
  readonly memo?: string;
}

/** The body of a transfer (specs/transactions.md); nothing is validated here, the node does that (TX-5..TX-12). */
export function transferBody(req: TransferRequest): TxBody {
  const key: NonNullable<Signer['key']> =
    req.signer instanceof Uint8Array ? { case: 'ed25519', value: req.signer } : { case: 'multisig', value: req.signer };
  return {
    chainId: req.chainId,
    signer: { key },
    nonce: req.nonce,
    fee: req.fee,
    memo: req.memo ?? '',
    action: { case: 'transfer', value: { to: req.to, amount: req.amount } },
  };
}

/** One signature over the body's sign bytes (TX-3). `keyIndex` is the signer's place in a multisig key. */
export function signBody(body: TxBody, seed: Uint8Array, keyIndex = 0): Signature {
  return { keyIndex, signature: sign(seed, txSignBytes(body)) };
}

/** The canonical transaction bytes: what a node accepts and what the tx id hashes (TX-1, TX-4). */
export function assembleTx(body: TxBody, signatures: readonly Signature[]): Uint8Array {
  const sorted = [...signatures].sort((a, b) => a.keyIndex - b.keyIndex);
  const tx: Tx = { body, signatures: sorted };
  return encode('babychain.v0.Tx', tx);
}

/** Build and sign a single-key transfer in one step. */
export function signedTransfer(
  req: Omit<TransferRequest, 'signer'> & { readonly seed: Uint8Array; readonly publicKey: Uint8Array },
): Uint8Array {
  const body = transferBody({ ...req, signer: req.publicKey });
  return assembleTx(body, [signBody(body, req.seed)]);
}

/**
 * The canonical JSON of a body (codec `toJson`, uint64 as decimal strings, bytes as hex): the file a multisig
 * member reads, checks and signs offline.
 */
export function bodyToJson(body: TxBody): JsonValue {
  return toJson('babychain.v0.TxBody', body);
}

/** The body of its canonical JSON; CODEC_INVALID_VALUE on anything else. */
export function bodyFromJson(json: unknown): TxBody {
  return fromJson('babychain.v0.TxBody', json);
}
