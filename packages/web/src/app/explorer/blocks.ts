/** Block lists: the table the front page and the older pages share, and the pages themselves (RPC-4 cursors). */
import type { BlockSummary } from '@babychain/client';
import type { VNode } from 'preact';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Ago, Page, Short, show, useLoad } from '../ui.ts';

export function BlockTable({ blocks, now }: { blocks: readonly BlockSummary[]; now: number }): VNode {
  return html`<table class="blocks" aria-label="Blocks">
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
        ${blocks.map(
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
    </table>`;
}

/** A page of older blocks, from the height `cursor` down; its `next` links the page after. */
export function BlocksPage({ cursor }: { cursor: string }): VNode {
  const loaded = useLoad(() => client.blockPage({ cursor }), [cursor]);
  return html`<${Page} title=${`Blocks from ${cursor}`}>
    ${show(
      loaded,
      (page) => html`<${BlockTable} blocks=${page.blocks} now=${Date.now()} />
        <nav class="pager" aria-label="Older blocks">
          <a href=${href()}>← Latest</a>
          ${page.next === null ? '' : html`<a href=${href('blocks', page.next)}>Older blocks →</a>`}
        </nav>`,
    )}
  <//>`;
}
