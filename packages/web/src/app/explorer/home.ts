/** The explorer's front page: the newest blocks as the node commits them, without reloading. */
import type { VNode } from 'preact';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href } from '../router.ts';
import { Ago, ErrorBox, Page, Short } from '../ui.ts';

export function HomePage(): VNode {
  const live = useLive();
  const now = Date.now();
  return html`<${Page} title="Latest blocks">
    ${live.blocks.length === 0 && live.error !== undefined ? html`<${ErrorBox} error=${live.error} />` : ''}
    <table class="blocks" aria-describedby="page-title">
      <thead>
        <tr>
          <th scope="col">Height</th>
          <th scope="col">Hash</th>
          <th scope="col">Transactions</th>
          <th scope="col">Proposer</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        ${live.blocks.map(
          (b) =>
            html`<tr key=${String(b.height)} data-height=${String(b.height)}>
              <td><a href=${href('block', b.height)}>${String(b.height)}</a></td>
              <td><${Short} hex=${b.hash} to=${href('block', b.hash)} /></td>
              <td>${b.txs}</td>
              <td>${b.proposer === '' ? '' : html`<${Short} hex=${b.proposer} to=${href('account', b.proposer)} />`}</td>
              <td><${Ago} ms=${b.timeMs} now=${now} /></td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${live.blocks.length === 0 ? html`<p class="muted">Waiting for the first block…</p>` : ''}
  <//>`;
}
