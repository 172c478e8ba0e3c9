/** The explorer's front page: the newest blocks as the node commits them, without reloading. */
import type { VNode } from 'preact';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href } from '../router.ts';
import { ErrorBox, Page } from '../ui.ts';
import { BlockTable } from './blocks.ts';

export function HomePage(): VNode {
  const live = useLive();
  const now = Date.now();
  const oldest = live.blocks.at(-1)?.height;
  return html`<${Page} title="Latest blocks">
    ${live.blocks.length === 0 && live.error !== undefined ? html`<${ErrorBox} error=${live.error} />` : ''}
    <${BlockTable} blocks=${live.blocks} now=${now} />
    ${live.blocks.length === 0 ? html`<p class="muted">Waiting for the first block…</p>` : ''}
    ${oldest !== undefined && oldest > 1n ? html`<a href=${href('blocks', oldest - 1n)}>Older blocks →</a>` : ''}
  <//>`;
}
