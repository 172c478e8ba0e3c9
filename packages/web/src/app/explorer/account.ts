/** An account: balance, nonce, its multisig key if it has one, and its transactions newest first (RPC-16 pages). */
import type { AccountTx } from '@babychain/client';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Amount, ErrorBox, Facts, Page, Short, show, useLoad } from '../ui.ts';
import { ActionSummary } from './tx-summary.ts';

const PAGE_SIZE = 20;

export function AccountPage({ address }: { address: string }): VNode {
  const account = useLoad(() => client.account(address), [address]);
  return html`<${Page} title="Account">
    <p><code class="wrap">${address}</code></p>
    ${show(
      account,
      (a) =>
        html`<${Facts}
        rows=${[
          ['Balance', html`<strong data-testid="balance"><${Amount} value=${a.balance} /></strong>`],
          ['Nonce', String(a.nonce)],
          ['As of height', String(a.height)],
          ...(a.multisig === null
            ? []
            : [['Multisig', `${a.multisig.threshold} of ${a.multisig.publicKeys.length} keys`] as const]),
        ]}
      />`,
    )}
    <${History} address=${address} />
  <//>`;
}

/** The account's history, one page at a time; "Older" follows the page's cursor, never an offset. */
export function History({ address, refresh = 0 }: { address: string; refresh?: number }): VNode {
  const [txs, setTxs] = useState<readonly AccountTx[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(true);
  const load = async (cursor: string | undefined) => {
    setBusy(true);
    try {
      const page = await client.accountTxs(address, { limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
      setTxs((shown) => (cursor === undefined ? page.txs : [...shown, ...page.txs]));
      setNext(page.next);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(undefined);
  }, [address, refresh]);
  return html`<section aria-labelledby="history-title">
    <h2 id="history-title">Transactions</h2>
    ${error === undefined ? '' : html`<${ErrorBox} error=${error} />`}
    ${txs.length === 0 && !busy ? html`<p class="muted">No transactions yet.</p>` : ''}
    ${
      txs.length === 0
        ? ''
        : html`<table class="history" aria-labelledby="history-title">
          <thead>
            <tr>
              <th scope="col">Block</th>
              <th scope="col">Direction</th>
              <th scope="col">What</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            ${txs.map(
              (t) => html`<tr key=${t.id} data-txid=${t.id}>
                <td><a href=${href('block', t.height)}>${String(t.height)}</a></td>
                <td>${t.direction}</td>
                <td><${ActionSummary} info=${t} /></td>
                <td><${Short} hex=${t.id} to=${href('tx', t.id)} /></td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
    ${next === null ? '' : html`<button type="button" disabled=${busy} onClick=${() => load(next)}>Older</button>`}
  </section>`;
}
