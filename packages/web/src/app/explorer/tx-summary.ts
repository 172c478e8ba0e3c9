/** What a committed transaction does, in the words and links the explorer shows for it. */
import { addressPrefix, encodeAddress, type TxInfo } from '@babychain/client';
import type { VNode } from 'preact';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Amount, Short } from '../ui.ts';

export type TxAction = NonNullable<NonNullable<TxInfo['tx']['body']>['action']>;

/** The recipient of a transfer as an address of the sender's chain (same prefix), else undefined. */
export function recipient(info: Pick<TxInfo, 'tx' | 'sender'>): string | undefined {
  const action = info.tx.body?.action;
  return action?.case === 'transfer' ? encodeAddress(action.value.to, addressPrefix(info.sender)) : undefined;
}

/** "transfer 1.5 BABY to baby1…", or the governance action's name. */
export function ActionSummary({ info }: { info: Pick<TxInfo, 'tx' | 'sender'> }): VNode {
  const action = info.tx.body?.action;
  const to = recipient(info);
  if (action?.case === 'transfer' && to !== undefined) {
    return html`<span>transfer <${Amount} value=${action.value.amount} /> to <${Short} hex=${to} to=${href('account', to)} /></span>`;
  }
  return html`<span>${action?.case ?? 'no action'}</span>`;
}
