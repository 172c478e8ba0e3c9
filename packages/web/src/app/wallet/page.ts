import type { VNode } from 'preact';
import { html } from '../html.ts';
import type { Route } from '../router.ts';
import { Page } from '../ui.ts';

export function WalletPage({ route: _route }: { route: Route }): VNode {
  return html`<${Page} title="Wallet"><p>Not built yet.</p><//>`;
}
