/**
 * The multisig files of `tx send --generate-only`, `tx sign` and `tx multisign`. Their format and checks are the
 * client's (`@babychain/client` multisig.ts, shared with the web console); here the client's codes become the CLI's
 * stable ones, so scripts written against `baby` keep matching CLI_BAD_FILE, CLI_BAD_SIGNATURE, ...
 */

import {
  ClientErrorCode,
  combineSignatures,
  readSignatureFile,
  readUnsignedFile as readUnsigned,
  type SourcedSignature,
} from '@babychain/client';
import { BabyError, isBabyError, type TxBody } from '@babychain/codec';
import { CliErrorCode, type CliErrorCodeValue } from './errors.ts';

export { unsignedFile } from '@babychain/client';

const CLI_CODE: Partial<Record<string, CliErrorCodeValue>> = {
  [ClientErrorCode.BAD_FILE]: CliErrorCode.BAD_FILE,
  [ClientErrorCode.WRONG_SIGNER]: CliErrorCode.WRONG_SIGNER,
  [ClientErrorCode.NOT_A_MEMBER]: CliErrorCode.NOT_A_MEMBER,
  [ClientErrorCode.BAD_SIGNATURE]: CliErrorCode.BAD_SIGNATURE,
  [ClientErrorCode.DUPLICATE_SIGNATURE]: CliErrorCode.DUPLICATE_SIGNATURE,
  [ClientErrorCode.TOO_FEW_SIGNATURES]: CliErrorCode.TOO_FEW_SIGNATURES,
};

/** Runs `f`, giving a multisig error of the client the CLI's code, with the same message and meta. */
function asCli<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    const code = isBabyError(err) ? CLI_CODE[err.code] : undefined;
    if (code === undefined || !isBabyError(err)) throw err;
    throw new BabyError<string>(code, err.message, { ...err.meta }, { cause: err });
  }
}

/** The body of an unsigned file, or of a bare body (files written before the summary existed). */
export function readUnsignedFile(file: string, json: unknown, prefix: string): TxBody {
  return asCli(() => readUnsigned(json, prefix, file));
}

export function parseSignatureFile(file: string, json: unknown): SourcedSignature {
  return asCli(() => readSignatureFile(json, file));
}

/** The signed transaction of a multisig body; `name` is the keyring's name for the key, quoted in messages. */
export function multisign(body: TxBody, name: string, signatures: readonly SourcedSignature[]): Uint8Array {
  return asCli(() => combineSignatures(body, signatures, { keyName: `"${name}"` }));
}
