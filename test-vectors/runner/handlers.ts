// Maps each runner (and crypto op) of test-vectors/README.md to this implementation's public functions.
import type { JsonValue, MessageName, TxBody } from '@babychain/codec';
import { BabyError, decode, encode, fromHex, toHex, toJson, txSignBytes, txSignBytesOf } from '@babychain/codec';
import {
  addressFromPublicKey,
  DEFAULT_ADDRESS_PREFIX,
  decodeAddress,
  deriveAccountKey,
  encodeAddress,
  multisigAddress,
  publicKeyFromSeed,
  sign,
  slip10Derive,
  verifyDetailed,
} from '@babychain/crypto';
import { checkTxBytes } from '@babychain/state';
import { governanceHandlers } from '../governance/handlers.ts';
import { upgradeHandlers } from '../upgrade/handlers.ts';
import { validatorHandlers } from '../validators/handlers.ts';
import { consensus } from './consensus-handlers.ts';
import { state, stateProof, stateRoot } from './state-handlers.ts';

export type Handler = (input: Record<string, unknown>) => Record<string, unknown> | Promise<Record<string, unknown>>;

export const handlers: Record<string, Handler> = {
  consensus,
  ...governanceHandlers,
  ...upgradeHandlers,
  ...validatorHandlers,
  state,
  'state-root': stateRoot,
  'state-proof': stateProof,

  codec(input) {
    const type = str(input, 'type') as MessageName;
    const bytes = bytesOf(input, 'hex');
    const maxBytes = input['maxBytes'];
    const value = decode(type, bytes, typeof maxBytes === 'number' ? { maxBytes } : {});
    const reencoded = toHex(encode(type, value));
    if (reencoded !== toHex(bytes)) throw new Error(`re-encoding differs: ${reencoded}`);
    return { json: toJson(type, value) as JsonValue };
  },

  tx(input) {
    const bytes = bytesOf(input, 'hex');
    const { tx, id, sender } = checkTxBytes(bytes, str(input, 'chainId'));
    // checkTxBytes has established that the body is present (TX-5).
    const signBytes = toHex(txSignBytes(tx.body as TxBody));
    const sliced = toHex(txSignBytesOf(bytes));
    if (sliced !== signBytes) throw new Error(`sign bytes built from the transaction's bytes differ: ${sliced}`);
    return { id: toHex(id), sender: toHex(sender), signBytes };
  },

  crypto(input) {
    const op = cryptoOps[str(input, 'op')];
    if (op === undefined) throw new Error(`unknown crypto op ${String(input['op'])}`);
    return op(input);
  },
};

const cryptoOps: Record<string, Handler> = {
  verify(input) {
    const result = verifyDetailed(bytesOf(input, 'publicKey'), bytesOf(input, 'message'), bytesOf(input, 'signature'));
    if (!result.ok) throw new BabyError(result.reason, `signature rejected: ${result.reason}`);
    return { valid: true };
  },
  sign: (input) => ({ signature: toHex(sign(bytesOf(input, 'seed'), bytesOf(input, 'message'))) }),
  publicKeyFromSeed: (input) => ({ publicKey: toHex(publicKeyFromSeed(bytesOf(input, 'seed'))) }),
  address(input) {
    const bytes = addressFromPublicKey(bytesOf(input, 'publicKey'));
    return { address: encodeAddress(bytes, str(input, 'prefix')), bytes: toHex(bytes) };
  },
  multisigAddress(input) {
    const keys = (input['publicKeys'] as string[]).map((k) => fromHex(k));
    const threshold = input['threshold'] as number;
    const bytes = multisigAddress(threshold, keys);
    return { address: encodeAddress(bytes, str(input, 'prefix')), bytes: toHex(bytes) };
  },
  decodeAddress: (input) => ({ bytes: toHex(decodeAddress(str(input, 'address'), str(input, 'prefix'))) }),
  mnemonicToKey(input) {
    const key = deriveAccountKey(str(input, 'mnemonic'), input['account'] as number, str(input, 'passphrase'));
    return {
      publicKey: toHex(key.publicKey),
      address: encodeAddress(addressFromPublicKey(key.publicKey), DEFAULT_ADDRESS_PREFIX),
    };
  },
  slip10(input) {
    const node = slip10Derive(bytesOf(input, 'seed'), str(input, 'path'));
    return {
      privateKey: toHex(node.privateKey),
      chainCode: toHex(node.chainCode),
      publicKey: toHex(publicKeyFromSeed(node.privateKey)),
    };
  },
};

function str(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string') throw new Error(`vector input "${key}" must be a string`);
  return value;
}

function bytesOf(input: Record<string, unknown>, key: string): Uint8Array {
  return fromHex(str(input, key));
}
