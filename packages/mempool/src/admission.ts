/**
 * The stateful admission rules: a checked transaction against its sender's committed account and the sender's held
 * transactions (README, `add`). STATE-3..STATE-5 are state's refusals, written once; the nonce gap, replace-by-fee and
 * the per-sender limit are the pool's policy. Kept out of pool.ts because it decides without changing anything: the
 * pool acts on its answer.
 */
import type { TxBody } from '@babychain/codec';
import { BabyError } from '@babychain/codec';
import { feeRefusal, fundsRefusal, nonceRefusal, spendName, txSpend } from '@babychain/state';
import { MempoolErrorCode } from './errors.ts';
import { isEnoughBump, minReplacementFee } from './fee.ts';
import type { Limits } from './options.ts';
import type { PoolTx, SenderQueue } from './sender.ts';
import type { Account } from './types.ts';

/** The limits admission reads, with those compared against bigints converted once. */
export interface AdmissionLimits {
  readonly limits: Limits;
  readonly maxNonceGap: bigint;
  readonly rbfBump: bigint;
}

export function admissionLimits(limits: Limits): AdmissionLimits {
  return { limits, maxNonceGap: BigInt(limits.maxNonceGap), rbfBump: BigInt(limits.rbfBumpPercent) };
}

/** Where an admissible transaction goes among its sender's. */
export interface Placement {
  /** the held transaction with its nonce, which it replaces */
  readonly replaces: PoolTx | undefined;
  /** amount + fee */
  readonly cost: bigint;
  /** contiguous from the committed nonce once admitted */
  readonly pending: boolean;
}

/**
 * Throws the first rule `body` breaks against `account` (committed) and `existing` (its sender's held
 * transactions, if any), in the order the README gives; else says where it goes. Funds count every held lower nonce.
 */
export function placeAgainstAccount(
  body: TxBody,
  account: Account,
  minFee: bigint,
  existing: SenderQueue | undefined,
  { limits, maxNonceGap, rbfBump }: AdmissionLimits,
): Placement {
  const { nonce, fee } = body;
  if (fee < minFee) throw feeRefusal(fee, minFee);
  if (nonce < account.nonce) throw nonceRefusal(account.nonce, nonce);
  if (nonce - account.nonce > maxNonceGap) {
    throw new BabyError(
      MempoolErrorCode.NONCE_TOO_FAR,
      `nonce ${nonce} is more than ${limits.maxNonceGap} ahead of the account's ${account.nonce}`,
      { expected: account.nonce, got: nonce, maxNonceGap: limits.maxNonceGap },
    );
  }

  const replaces = existing?.find(nonce);
  if (replaces !== undefined) {
    if (!isEnoughBump(replaces.fee, fee, rbfBump)) {
      const needed = minReplacementFee(replaces.fee, rbfBump);
      throw new BabyError(
        MempoolErrorCode.REPLACEMENT_UNDERPRICED,
        `replacing ${replaces.idHex} (fee ${replaces.fee}) takes a fee of at least ${needed}, got ${fee}`,
        { replaces: replaces.idHex, fee, minFee: needed, rbfBumpPercent: limits.rbfBumpPercent },
      );
    }
  } else if (existing !== undefined && existing.size >= limits.maxPerSender) {
    throw new BabyError(
      MempoolErrorCode.SENDER_LIMIT,
      `sender ${existing.key} already has ${existing.size} transactions held`,
      { sender: existing.key, held: existing.size, maxPerSender: limits.maxPerSender },
    );
  }

  const cost = txSpend(body);
  let before = 0n;
  let executableEnd = account.nonce;
  if (existing !== undefined) {
    for (const tx of existing.txs) {
      if (tx.nonce < account.nonce) continue;
      if (tx.nonce === executableEnd) executableEnd++;
      if (tx.nonce < nonce) before += tx.cost;
    }
  }
  if (before + cost > account.balance) {
    const what = before === 0n ? spendName(body) : `${spendName(body)} + ${before} held for lower nonces`;
    throw fundsRefusal(account.balance, before + cost, undefined, what);
  }
  const pending = replaces !== undefined ? nonce < executableEnd : nonce === executableEnd;
  return { replaces, cost, pending };
}
