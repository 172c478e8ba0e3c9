/**
 * The applied upgrades (UPG-4's `applied`), newest first, each with the pause its switch cost: read from the header
 * times of the block before its height and the first block under its app version (UPG-3), through `GET /blocks`.
 */
import type { AppliedUpgradeInfo } from '@babychain/client';
import type { VNode } from 'preact';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { ErrorBox, useLoad } from '../ui.ts';
import { formatGap, switchGapMs } from './model.ts';

export function HistorySection({ applied }: { applied: readonly AppliedUpgradeInfo[] }): VNode {
  const rows = [...applied].reverse();
  return html`<section aria-labelledby="gov-history">
    <h2 id="gov-history">Applied upgrades</h2>
    ${
      rows.length === 0
        ? html`<p class="muted">No upgrade has been applied on this chain.</p>`
        : html`<table aria-labelledby="gov-history">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Height</th>
              <th scope="col">App version</th>
              <th scope="col">Release</th>
              <th scope="col">Gap at the switch</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (a) => html`<tr key=${a.name} data-testid="applied-upgrade">
                <td><code>${a.name}</code></td>
                <td><a href=${href('block', a.height)}>${String(a.height)}</a></td>
                <td>${a.appVersion}</td>
                <td>${a.version}</td>
                <td><${Gap} height=${a.height} /></td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`;
}

function Gap({ height }: { height: bigint }): VNode {
  // Heights of applied upgrades never change, so their two blocks are read once.
  const loaded = useLoad(() => client.blocks(height - 1n, height), [height]);
  if (loaded.state === 'loading') return html`<span class="muted" aria-busy="true">…</span>`;
  if (loaded.state === 'failed') return html`<${ErrorBox} error=${loaded.error} />`;
  const gap = switchGapMs(loaded.value, height);
  return html`<span data-testid="upgrade-gap"
    >${gap === null ? 'not committed on this node' : `${formatGap(gap)} (height ${height - 1n} to ${height})`}</span
  >`;
}
