import type { TxBody } from '@babychain/codec';
import { describe, expect, it } from 'vitest';
import { fundsRefusal, nonceRefusal, spendName, txSpend } from './refusals.ts';

const body = (action: TxBody['action']): TxBody => ({ chainId: 'c', nonce: 0n, fee: 7n, memo: '', action });

describe('txSpend (STATE-5)', () => {
  it('counts the fee plus what the action takes: a transfer amount, a proposal deposit, nothing for a vote', () => {
    expect(txSpend(body({ case: 'transfer', value: { to: new Uint8Array(20), amount: 100n } }))).toBe(107n);
    expect(txSpend(body({ case: 'submitProposal', value: { deposit: 5_000n, title: 't' } }))).toBe(5_007n);
    expect(txSpend(body({ case: 'vote', value: { proposalId: 1n, option: 1 } }))).toBe(7n);
    expect(txSpend(body({ case: 'signalReady', value: { planName: 'v2' } }))).toBe(7n);
    expect(spendName(body({ case: 'submitProposal', value: { deposit: 1n, title: 't' } }))).toBe('deposit + fee');
  });
});

describe('refusals', () => {
  it('say a replay from a gap, and carry the rule and the figures', () => {
    expect(nonceRefusal(5n, 4n).message).toMatch(/is a replay/);
    expect(nonceRefusal(5n, 7n, 2)).toMatchObject({ code: 'TX_BAD_NONCE', meta: { rule: 'STATE-3', txIndex: 2 } });
    expect(fundsRefusal(10n, 11n)).toMatchObject({
      code: 'TX_INSUFFICIENT_FUNDS',
      meta: { balance: 10n, needed: 11n },
    });
  });
});
