/**
 * What a transaction does, in the fields people read: one shape for `tx send`, `query tx` and the summary beside an
 * unsigned body, so that a script reads the same names everywhere and a multisig member can check a body by eye. The
 * shape and its JSON are the client's (shared with the web console); the CLI adds only its human rendering.
 */

import { summaryJson, type TxSummary, txSummary } from '@babychain/client';
import { formatAmount } from './chain.ts';

export { summaryJson, type TxSummary, txSummary };

/** The summary for people: amounts in base units and BABY. */
export function readableSummary(s: TxSummary): Record<string, string | bigint | undefined> {
  return {
    ...s,
    amount: s.amount === undefined ? undefined : formatAmount(s.amount),
    fee: formatAmount(s.fee),
  };
}
