/**
 * What a transaction does, in the fields people read: one shape for `tx send`, `query tx` and the summary beside an
 * unsigned body, so that a script reads the same names everywhere and a multisig member can check a body by eye.
 */

import { bodyToJson } from '@babychain/client';
import type { TxBody } from '@babychain/codec';
import { addressFromPublicKey, encodeAddress, multisigAddress } from '@babychain/crypto';
import { formatAmount } from './chain.ts';

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

/** The summary for people: amounts in base units and BABY. */
export function readableSummary(s: TxSummary): Record<string, string | bigint | undefined> {
  return {
    ...s,
    amount: s.amount === undefined ? undefined : formatAmount(s.amount),
    fee: formatAmount(s.fee),
  };
}
