import type { ErrorMeta, Signer, Tx, TxBody } from '@babychain/codec';
import {
  type BabyError,
  bytesEqual,
  decodeTx,
  ruleError as fail,
  txId,
  txSignBytes,
  txSignBytesOf,
} from '@babychain/codec';
import { addressFromPublicKey, multisigAddress, type SignatureSet, verifyDetailed } from '@babychain/crypto';
import type { CheckedTx } from './checked-tx.ts';
import { TxErrorCode } from './errors.ts';
import type { Governance } from './governance.ts';
import type { ChainRules } from './rules.ts';
import { rulesFor } from './rules.ts';

export type { CheckedTx } from './checked-tx.ts';

const ADDRESS_BYTES = 20;
const PUBLIC_KEY_BYTES = 32;
const U64_MAX = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/**
 * TX-1, TX-2, then TX-5 to TX-12 in the spec's order. Throws BabyError with the first failing rule's code. A caller
 * that has already hashed the bytes (a block's duplicate check, a cache lookup) passes the id so it is not recomputed.
 * `rules` are those of the app version in force (UPG-3); app version 0's by default.
 */
export function checkTxBytes(
  bytes: Uint8Array,
  chainId: string,
  id: Uint8Array = txId(bytes),
  rules: ChainRules = rulesFor(0),
): CheckedTx {
  const tx = decodeTx(bytes);
  const sender = checkTx(tx, chainId, rules, bytes);
  return { tx, bytes, id, sender };
}

/**
 * TX-5 to TX-12 on a decoded transaction under `rules` (app version 0's by default); returns the sender address.
 * `txBytes` spares encoding the sign bytes again; it must be the very encoding `tx` was decoded from, or the
 * signatures are checked against another transaction's sign bytes.
 */
export function checkTx(tx: Tx, chainId: string, rules: ChainRules = rulesFor(0), txBytes?: Uint8Array): Uint8Array {
  const { sender, signatures } = checkTxRules(tx, chainId, rules, txBytes);
  for (const set of signatures) {
    const result = verifyDetailed(set.publicKey, set.message, set.signature);
    if (!result.ok) throw badSignature(set.keyIndex, result.reason);
  }
  return sender;
}

/** A signature TX-12 must verify: key `keyIndex` of the signer over the transaction's sign bytes. */
export interface TxSignatureSet extends SignatureSet {
  readonly keyIndex: number;
}

/**
 * TX-5 to TX-11, everything but the signature equations: the sender and the signatures TX-12 still has to verify,
 * for a caller that verifies them elsewhere (a worker pool) and reports a failure with `badSignature`. `txBytes` as
 * for `checkTx`.
 */
export function checkTxRules(
  tx: Tx,
  chainId: string,
  rules: ChainRules = rulesFor(0),
  txBytes?: Uint8Array,
): { readonly sender: Uint8Array; readonly signatures: TxSignatureSet[] } {
  const body = tx.body;
  if (body === undefined) throw fail(TxErrorCode.MISSING_BODY, 'transaction has no body', 'TX-5');
  if (body.chainId !== chainId) {
    throw fail(TxErrorCode.WRONG_CHAIN_ID, `transaction is for chain "${body.chainId}", this is "${chainId}"`, 'TX-5', {
      expected: chainId,
      got: body.chainId,
    });
  }
  const signer = body.signer?.key;
  if (signer === undefined) throw fail(TxErrorCode.MISSING_SIGNER, 'transaction has no signer key', 'TX-6');
  const sender = senderAddress(signer);

  const action = body.action;
  if (action === undefined) throw fail(TxErrorCode.MISSING_ACTION, 'transaction has no action', 'TX-7');
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a short memo needs no encoding to be measured.
  const memoBytes = body.memo.length * 3 <= rules.maxMemoBytes ? 0 : utf8.encode(body.memo).length;
  if (memoBytes > rules.maxMemoBytes) {
    throw fail(TxErrorCode.MEMO_TOO_LONG, `memo is ${memoBytes} bytes, at most ${rules.maxMemoBytes} allowed`, 'TX-8', {
      limit: rules.maxMemoBytes,
    });
  }
  // TX-9 and TX-10 are the transfer's; another action's own rules are its executor's (checkAction, after TX-12).
  if (action.case === 'transfer') {
    checkTransfer(action.value.to, action.value.amount, sender);
    if (action.value.amount + body.fee > U64_MAX) {
      throw fail(TxErrorCode.FEE_OVERFLOW, 'amount + fee exceeds 2^64-1', 'TX-10');
    }
  }
  return { sender, signatures: signatureSets(tx, body, signer, txBytes) };
}

/** TX-12's error for the signature of key `keyIndex`, which failed with `reason` (a SIG-8 code). */
export function badSignature(keyIndex: number, reason: string): BabyError {
  return fail(TxErrorCode.BAD_SIGNATURE, `signature of key ${keyIndex} does not verify (${reason})`, 'TX-12', {
    keyIndex,
    reason,
  });
}

/**
 * What a node that executes `tx` adds to TX-5..TX-12 for an action other than a transfer: the governance's own
 * stateless rules, or `TX_UNSUPPORTED_ACTION` when there is no governance or it does not execute that action.
 */
export function checkAction(tx: Tx, governance: Governance | undefined): void {
  const body = tx.body;
  const kind = body?.action?.case;
  if (body === undefined || kind === undefined || kind === 'transfer') return;
  if (governance === undefined || !governance.actions.has(kind)) throw unsupportedAction(kind);
  governance.checkAction(body);
}

/** TX-13's error: this node does not execute `kind` transactions (no governance, or not this action). */
export function unsupportedAction(kind: string | undefined, meta: Pick<ErrorMeta, 'txIndex'> = {}): BabyError {
  return fail(
    TxErrorCode.UNSUPPORTED_ACTION,
    `this node does not execute ${kind ?? 'no-action'} transactions`,
    'TX-13',
    {
      ...meta,
      action: kind,
    },
  );
}

function senderAddress(signer: NonNullable<Signer['key']>): Uint8Array {
  if (signer.case === 'ed25519') {
    if (signer.value.length !== PUBLIC_KEY_BYTES) {
      throw fail(TxErrorCode.BAD_PUBLIC_KEY, `signer key is ${signer.value.length} bytes, not 32`, 'TX-6');
    }
    return addressFromPublicKey(signer.value);
  }
  const badKey = signer.value.publicKeys.findIndex((k) => k.length !== PUBLIC_KEY_BYTES);
  if (badKey !== -1) {
    throw fail(TxErrorCode.BAD_PUBLIC_KEY, `multisig key ${badKey} is not 32 bytes`, 'TX-6', { keyIndex: badKey });
  }
  // multisigAddress checks ADDR-3 itself.
  return multisigAddress(signer.value.threshold, signer.value.publicKeys);
}

function checkTransfer(to: Uint8Array, amount: bigint, sender: Uint8Array): void {
  if (to.length !== ADDRESS_BYTES) {
    throw fail(TxErrorCode.BAD_RECIPIENT, `recipient is ${to.length} bytes, an address is 20`, 'TX-9');
  }
  if (amount === 0n) throw fail(TxErrorCode.ZERO_AMOUNT, 'transfer amount is zero', 'TX-9');
  if (bytesEqual(to, sender)) throw fail(TxErrorCode.SELF_TRANSFER, 'transfer to the sender itself', 'TX-9');
}

/** TX-11, then the sets TX-12 verifies, in signature order. */
function signatureSets(
  tx: Tx,
  body: TxBody,
  signer: NonNullable<Signer['key']>,
  txBytes: Uint8Array | undefined,
): TxSignatureSet[] {
  const keys = signer.case === 'ed25519' ? [signer.value] : signer.value.publicKeys;
  if (signer.case === 'ed25519') {
    if (tx.signatures.length !== 1 || tx.signatures[0]?.keyIndex !== 0) {
      throw fail(TxErrorCode.SIGNATURE_COUNT, 'a single-key transaction carries exactly one signature', 'TX-11', {
        count: tx.signatures.length,
      });
    }
  } else {
    let previous = -1;
    for (const { keyIndex } of tx.signatures) {
      if (keyIndex >= keys.length) {
        throw fail(TxErrorCode.UNKNOWN_SIGNER, `signature names key ${keyIndex} of ${keys.length}`, 'TX-11', {
          keyIndex,
        });
      }
      if (keyIndex === previous) {
        throw fail(TxErrorCode.DUPLICATE_SIGNER, `key ${keyIndex} signed twice`, 'TX-11', { keyIndex });
      }
      if (keyIndex < previous) {
        throw fail(TxErrorCode.SIGNATURES_UNSORTED, 'signatures are not in ascending key order', 'TX-11', { keyIndex });
      }
      previous = keyIndex;
    }
    const { threshold } = signer.value;
    if (tx.signatures.length < threshold) {
      throw fail(
        TxErrorCode.BELOW_THRESHOLD,
        `${tx.signatures.length} of the ${threshold} required signatures`,
        'TX-11',
        {
          count: tx.signatures.length,
          threshold,
        },
      );
    }
  }
  const message = txBytes === undefined ? txSignBytes(body) : txSignBytesOf(txBytes);
  return tx.signatures.map(({ keyIndex, signature }) => ({
    keyIndex,
    publicKey: keys[keyIndex] as Uint8Array,
    message,
    signature,
  }));
}
