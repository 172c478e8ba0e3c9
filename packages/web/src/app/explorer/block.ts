/** One block, by height or hash: its header, its transactions and the evidence it commits. */
import { type BlockRecord, toHex } from '@babychain/client';
import type { VNode } from 'preact';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { Facts, Page, Short, show, Time, useLoad } from '../ui.ts';

const HASH = /^[0-9a-f]{64}$/;

export function loadBlock(id: string): Promise<BlockRecord> {
  return HASH.test(id) ? client.blockByHash(id) : client.block(BigInt(id));
}

export function BlockPage({ id }: { id: string }): VNode {
  const loaded = useLoad(() => loadBlock(id), [id]);
  return html`<${Page} title=${`Block ${HASH.test(id) ? `${id.slice(0, 12)}…` : id}`}>
    ${show(loaded, (b) => {
      const h = b.header;
      return html`<${Facts}
          rows=${[
            ['Height', String(b.height)],
            ['Hash', html`<code class="wrap">${b.hash}</code>`],
            ['Time', html`<${Time} ms=${h.timeMs} />`],
            [
              'Parent',
              h.height > 1n ? html`<${Short} hex=${toHex(h.lastBlockHash)} to=${href('block', h.height - 1n)} />` : '—',
            ],
            ['Proposer', html`<code>${toHex(h.proposerAddress)}</code>`],
            ['App hash', html`<${Short} hex=${toHex(h.appHash)} />`],
            ['Validators hash', html`<${Short} hex=${toHex(h.validatorsHash)} />`],
            ['Signatures in its commit', b.commit === null ? 'not yet committed' : String(b.commit.signatures.length)],
            ['Evidence', String(b.evidence.length)],
          ]}
        />
        <nav class="pager" aria-label="Neighbouring blocks">
          ${b.height > 1n ? html`<a href=${href('block', b.height - 1n)}>← Block ${String(b.height - 1n)}</a>` : ''}
          <a href=${href('block', b.height + 1n)}>Block ${String(b.height + 1n)} →</a>
        </nav>
        <h2>Transactions (${b.txIds.length})</h2>
        ${
          b.txIds.length === 0
            ? html`<p class="muted">No transactions.</p>`
            : html`<ol class="txids">
              ${b.txIds.map((txId) => html`<li key=${txId}><a href=${href('tx', txId)}><code>${txId}</code></a></li>`)}
            </ol>`
        }`;
    })}
  <//>`;
}
