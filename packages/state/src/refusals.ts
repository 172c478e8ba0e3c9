/**
 * What a transaction spends (STATE-5) and the stateful refusals of STATE-3, STATE-4 and STATE-5, built here once
 * for the execution, the admission check and the mempool, so that each code comes from one place.
 */

import type { ErrorMeta, TxBody } from '@babychain/codec';
import { BabyError } from '@babychain/codec';
import { TxErrorCode } from './errors.ts';

/** What a transaction takes from its sender besides the fee: a transfer's amount, a proposal's deposit, else 0. */
export function actionSpend(body: TxBody): bigint {
  const action = body.action;
  if (action?.case === 'transfer') return action.value.amount;
  if (action?.case === 'submitProposal') return action.value.deposit;
  return 0n;
}

/** All it takes from its sender's balance if it executes: the fee and the action's spend. */
export function txSpend(body: TxBody): bigint {
  return actionSpend(body) + body.fee;
}

/** What `txSpend` adds up, in a refusal's words. */
export function spendName(body: TxBody): string {
  const kind = body.action?.case;
  return kind === 'transfer' ? 'amount + fee' : kind === 'submitProposal' ? 'deposit + fee' : 'fee';
}

function txMeta(txIndex: number | undefined): Pick<ErrorMeta, 'txIndex'> {
  return txIndex === undefined ? {} : { txIndex };
}

/** STATE-3: `got` is not the account's nonce `expected` (a replay below it, a gap above). */
export function nonceRefusal(expected: bigint, got: bigint, txIndex?: number): BabyError {
  const kind = got < expected ? 'a replay' : 'a gap';
  return new BabyError(TxErrorCode.BAD_NONCE, `nonce ${got} is ${kind}: the account's nonce is ${expected}`, {
    rule: 'STATE-3',
    ...txMeta(txIndex),
    expected,
    got,
  });
}

/** STATE-3: the same bytes were committed already (a replay, whatever the account's nonce now). */
export function committedRefusal(idHex: string): BabyError {
  return new BabyError(TxErrorCode.BAD_NONCE, `transaction ${idHex} is already committed`, {
    rule: 'STATE-3',
    id: idHex,
    committed: true,
  });
}

/** STATE-4. */
export function feeRefusal(fee: bigint, minFee: bigint, txIndex?: number): BabyError {
  return new BabyError(TxErrorCode.FEE_TOO_LOW, `fee ${fee} is below the minimum fee ${minFee}`, {
    rule: 'STATE-4',
    ...txMeta(txIndex),
    fee,
    minFee,
  });
}

/** STATE-5: `balance` does not cover `need` (`what` says what it adds up). */
export function fundsRefusal(balance: bigint, need: bigint, txIndex?: number, what = 'amount + fee'): BabyError {
  return new BabyError(TxErrorCode.INSUFFICIENT_FUNDS, `balance ${balance} does not cover ${what} = ${need}`, {
    rule: 'STATE-5',
    ...txMeta(txIndex),
    balance,
    needed: need,
  });
}
