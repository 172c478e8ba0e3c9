/** One committed transaction by its id. */
import type { VNode } from 'preact';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Amount, Facts, Page, show, useLoad } from '../ui.ts';
import { ActionSummary } from './tx-summary.ts';

export function TxPage({ id }: { id: string }): VNode {
  const loaded = useLoad(() => client.tx(id), [id]);
  return html`<${Page} title="Transaction">
    ${show(loaded, (info) => {
      if (info === null)
        return html`<p role="status">No committed transaction has the id <code class="wrap">${id}</code>.</p>`;
      const body = info.tx.body;
      if (body === undefined) return html`<p class="error">The node sent a transaction without a body.</p>`;
      return html`<${Facts}
        rows=${[
          ['Id', html`<code class="wrap">${info.id}</code>`],
          ['Block', html`<a href=${href('block', info.height)}>${String(info.height)}</a> (position ${info.index})`],
          ['From', html`<a href=${href('account', info.sender)}><code>${info.sender}</code></a>`],
          ['Action', html`<${ActionSummary} info=${info} />`],
          ['Fee', html`<${Amount} value=${body.fee} />`],
          ['Nonce', String(body.nonce)],
          ['Memo', body.memo === '' ? html`<span class="muted">none</span>` : body.memo],
          ['Signatures', String(info.tx.signatures.length)],
          ['Size', `${info.bytes.length} bytes`],
        ]}
      />`;
    })}
  <//>`;
}
