/**
 * The unsigned transaction file of `tx send --generate-only` (read by `tx sign` and `tx multisign`): the body's
 * canonical JSON, which is what gets signed, beside its summary for people (the recipient as a `baby1…` address,
 * amounts in base units). A summary that does not say what the body does is refused: a member checking by eye must
 * never be shown one transaction and sign another.
 */

import { bodyFromJson, bodyToJson } from '@babychain/client';
import { BabyError, isBabyError, type TxBody } from '@babychain/codec';
import { CliErrorCode } from './errors.ts';
import { summaryJson, txSummary } from './tx-summary.ts';

export function unsignedFile(body: TxBody, prefix: string): { body: unknown; summary: Record<string, string> } {
  return { body: bodyToJson(body), summary: summaryJson(txSummary(body, prefix)) };
}

/** The body of an unsigned file, or of a bare body (files written before the summary existed). */
export function readUnsignedFile(file: string, json: unknown, prefix: string): TxBody {
  const envelope =
    typeof json === 'object' && json !== null && 'body' in json ? (json as Record<string, unknown>) : undefined;
  let body: TxBody;
  try {
    body = bodyFromJson(envelope === undefined ? json : envelope['body']);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw new BabyError(CliErrorCode.BAD_FILE, `${file} is not an unsigned transaction body: ${err.message}`, {
      file,
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
      CliErrorCode.BAD_FILE,
      `${file}: the summary does not say what the body does (${wrong
        .map((k) => `${k}: the summary says ${JSON.stringify(said[k])}, the body ${JSON.stringify(actual[k])}`)
        .join('; ')}); nothing was signed`,
      { file, fields: wrong },
    );
  }
  return body;
}
