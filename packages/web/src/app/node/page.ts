import type { VNode } from 'preact';
import { html } from '../html.ts';
import { Page } from '../ui.ts';

export function NodePage(): VNode {
  return html`<${Page} title="Node"><p>Not built yet.</p><//>`;
}
