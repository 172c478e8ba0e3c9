import type { VNode } from 'preact';
import { html } from '../html.ts';
import type { Route } from '../router.ts';
import { Page } from '../ui.ts';

export function GovernancePage({ route: _route }: { route: Route }): VNode {
  return html`<${Page} title="Governance"><p>Not built yet.</p><//>`;
}
