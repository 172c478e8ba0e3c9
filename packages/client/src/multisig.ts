/**
 * The offline multisig files, one implementation for the CLI (`tx send --generate-only`, `tx sign --multisig`,
 * `tx multisign`) and the web console, so that a file written by one is read by the other.
 *
 * - the unsigned file `{ body, summary }`: the body's canonical JSON, which is what gets signed, beside its summary for
 *   people (the recipient as a `baby1…` address, amounts in base units). A summary that does not say what the body
 *   does is refused: a member checking by eye must never be shown one transaction and sign another.
 * - the signature file `{ keyIndex, signature }`: one member's signature, by its place in the multisig key.
 */
import {
  BabyError,
  bytesEqual,
  fromHex,
  isBabyError,
  type JsonValue,
  type Signature,
  type TxBody,
  toHex,
  txSignBytes,
} from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, multisigAddress, verify } from '@babychain/crypto';
import { ClientErrorCode } from './errors.ts';
import { assembleTx, bodyFromJson, bodyToJson } from './transfer.ts';

/** What a transaction does, in the fields people read: one shape wherever a transaction is summarized. */
export interface TxSummary {
  readonly chainId: string;
  /** the sender: the address of the signer key (ADDR-1, ADDR-3) */
  readonly from: string;
  /** the action: `transfer`, or the governance action's name */
  readonly action: string;
  /** a transfer's recipient and amount in base units */
  readonly to?: string;
  readonly amount?: bigint;
  readonly fee: bigint;
  readonly nonce: bigint;
  readonly memo?: string;
  /** any other action's fields, as its canonical JSON */
  readonly details?: string;
}

export function txSummary(body: TxBody, prefix: string): TxSummary {
  const key = body.signer?.key;
  const from =
    key === undefined
      ? ''
      : encodeAddress(
          key.case === 'ed25519'
            ? addressFromPublicKey(key.value)
            : multisigAddress(key.value.threshold, key.value.publicKeys),
          prefix,
        );
  const action = body.action;
  const transfer = action?.case === 'transfer' ? action.value : undefined;
  return {
    chainId: body.chainId,
    from,
    action: action?.case ?? 'none',
    ...(transfer === undefined ? {} : { to: encodeAddress(transfer.to, prefix), amount: transfer.amount }),
    ...(transfer === undefined && action !== undefined ? { details: actionJson(body) } : {}),
    fee: body.fee,
    nonce: body.nonce,
    ...(body.memo === '' ? {} : { memo: body.memo }),
  };
}

function actionJson(body: TxBody): string {
  const json = bodyToJson(body) as { action?: { value?: unknown } };
  return JSON.stringify(json.action?.value ?? {});
}

/** The summary as JSON text values (amounts as base-unit strings), as files and --json print it. */
export function summaryJson(s: TxSummary): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

/** What `baby tx send --generate-only` writes. */
export interface UnsignedFile {
  readonly body: JsonValue;
  readonly summary: Record<string, string>;
}

/** What `baby tx sign --multisig` writes: `signature` is 128 hex digits. */
export interface SignatureFile {
  readonly keyIndex: number;
  readonly signature: string;
}

/** A signature with where it came from (a file name), for the errors that name it. */
export interface SourcedSignature extends Signature {
  readonly source?: string;
}

export function unsignedFile(body: TxBody, prefix: string): UnsignedFile {
  return { body: bodyToJson(body), summary: summaryJson(txSummary(body, prefix)) };
}

/** JSON text as a value; CLIENT_BAD_FILE naming `source` if it is not JSON. */
export function parseFileJson(text: string, source = 'the file'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BabyError(ClientErrorCode.BAD_FILE, `${source} is not JSON`, { file: source });
  }
}

/**
 * The body of an unsigned file (or of a bare body, as written before the summary existed), after checking that the
 * file's summary, if any, says exactly what the body does; else CLIENT_BAD_FILE (meta `fields`: the ones that differ).
 */
export function readUnsignedFile(json: unknown, prefix: string, source = 'the file'): TxBody {
  const envelope =
    typeof json === 'object' && json !== null && 'body' in json ? (json as Record<string, unknown>) : undefined;
  let body: TxBody;
  try {
    body = bodyFromJson(envelope === undefined ? json : envelope['body']);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw new BabyError(ClientErrorCode.BAD_FILE, `${source} is not an unsigned transaction body: ${err.message}`, {
      file: source,
      cause: err.code,
    });
  }
  const shown = envelope?.['summary'];
  if (envelope === undefined || shown === undefined) return body;
  const actual = summaryJson(txSummary(body, prefix));
  const said = (typeof shown === 'object' && shown !== null ? shown : {}) as Record<string, unknown>;
  const wrong = [...new Set([...Object.keys(actual), ...Object.keys(said)])].filter((k) => said[k] !== actual[k]);
  if (wrong.length > 0) {
    throw new BabyError(
      ClientErrorCode.BAD_FILE,
      `${source}: the summary does not say what the body does (${wrong
        .map((k) => `${k}: the summary says ${JSON.stringify(said[k])}, the body ${JSON.stringify(actual[k])}`)
        .join('; ')}); nothing was signed`,
      { file: source, fields: wrong },
    );
  }
  return body;
}

export function signatureFile(signature: Signature): SignatureFile {
  return { keyIndex: signature.keyIndex, signature: toHex(signature.signature) };
}

/** A signature file's signature; CLIENT_BAD_FILE unless it is `{ keyIndex: n, signature: "<128 hex digits>" }`. */
export function readSignatureFile(json: unknown, source = 'the file'): SourcedSignature {
  const value = (typeof json === 'object' && json !== null ? json : {}) as { keyIndex?: unknown; signature?: unknown };
  const { keyIndex, signature } = value;
  if (
    typeof keyIndex !== 'number' ||
    !Number.isInteger(keyIndex) ||
    keyIndex < 0 ||
    typeof signature !== 'string' ||
    !/^[0-9a-f]{128}$/.test(signature)
  ) {
    throw new BabyError(
      ClientErrorCode.BAD_FILE,
      `${source} is not a signature from tx sign: expected { "keyIndex": n, "signature": "<128 hex digits>" }`,
      { file: source },
    );
  }
  return { keyIndex, signature: fromHex(signature), source };
}

/** The multisig key a body spends from; CLIENT_WRONG_SIGNER if its signer is a single key. */
export function multisigSigner(body: TxBody): {
  readonly threshold: number;
  readonly publicKeys: readonly Uint8Array[];
} {
  const key = body.signer?.key;
  if (key?.case !== 'multisig') {
    throw new BabyError(ClientErrorCode.WRONG_SIGNER, 'the body does not spend from a multisig key', {});
  }
  return key.value;
}

/** A member's place in the body's multisig key (its signature's keyIndex); CLIENT_NOT_A_MEMBER if it has none. */
export function memberIndex(body: TxBody, publicKey: Uint8Array): number {
  const { publicKeys } = multisigSigner(body);
  const index = publicKeys.findIndex((k) => bytesEqual(k, publicKey));
  if (index < 0) {
    throw new BabyError(
      ClientErrorCode.NOT_A_MEMBER,
      `key ${toHex(publicKey)} is not one of the ${publicKeys.length} keys of the multisig key this body spends from`,
      { publicKey: toHex(publicKey) },
    );
  }
  return index;
}

/**
 * The signed transaction bytes from the members' signatures over a multisig body: each signature's keyIndex must
 * be a key of the body's multisig key (else CLIENT_BAD_SIGNATURE), given once (CLIENT_DUPLICATE_SIGNATURE) and
 * verify over this body (CLIENT_BAD_SIGNATURE: it signed another body), and there must be at least the threshold
 * (CLIENT_TOO_FEW_SIGNATURES). `keyName` names the multisig key in messages.
 */
export function combineSignatures(
  body: TxBody,
  signatures: readonly SourcedSignature[],
  options: { readonly keyName?: string } = {},
): Uint8Array {
  const multisig = multisigSigner(body);
  const name = options.keyName ?? 'the multisig key';
  const signBytes = txSignBytes(body);
  const byIndex = new Map<number, Signature>();
  signatures.forEach((sig, i) => {
    const source = sig.source ?? `signature ${i + 1}`;
    const publicKey = multisig.publicKeys[sig.keyIndex];
    if (publicKey === undefined) {
      throw new BabyError(
        ClientErrorCode.BAD_SIGNATURE,
        `${source}: keyIndex ${sig.keyIndex} is outside the ${multisig.publicKeys.length} keys of ${name}`,
        { file: source, keyIndex: sig.keyIndex },
      );
    }
    if (byIndex.has(sig.keyIndex)) {
      throw new BabyError(
        ClientErrorCode.DUPLICATE_SIGNATURE,
        `${source}: key ${sig.keyIndex} of ${name} has already signed in another file`,
        { file: source, keyIndex: sig.keyIndex },
      );
    }
    if (!verify(publicKey, signBytes, sig.signature)) {
      throw new BabyError(
        ClientErrorCode.BAD_SIGNATURE,
        `${source}: the signature does not verify for this body under key ${sig.keyIndex} (signed another body?)`,
        { file: source, keyIndex: sig.keyIndex },
      );
    }
    byIndex.set(sig.keyIndex, { keyIndex: sig.keyIndex, signature: sig.signature });
  });
  if (byIndex.size < multisig.threshold) {
    throw new BabyError(
      ClientErrorCode.TOO_FEW_SIGNATURES,
      `${name} needs ${multisig.threshold} signatures, ${byIndex.size} given`,
      { threshold: multisig.threshold, given: byIndex.size },
    );
  }
  return assembleTx(body, [...byIndex.values()]);
}
