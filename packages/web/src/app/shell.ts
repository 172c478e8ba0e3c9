/** The page around every view: the header with its navigation and search, the live-connection line, the routes. */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { AccountPage } from './explorer/account.ts';
import { BlockPage } from './explorer/block.ts';
import { BlocksPage } from './explorer/blocks.ts';
import { HomePage } from './explorer/home.ts';
import { SearchPage, searchRoute } from './explorer/search.ts';
import { TxPage } from './explorer/tx.ts';
import { ValidatorsPage } from './explorer/validators.ts';
import { GovernancePage } from './governance/page.ts';
import { html } from './html.ts';
import { useLive } from './live.ts';
import { href, navigate, type Route, useRoute } from './router.ts';
import { Page, show, useLoad } from './ui.ts';

/** A view whose code is fetched the first time it is opened (a chunk of its own), then kept by the module cache. */
function lazy<P extends object>(load: () => Promise<(props: P) => VNode>): (props: P) => VNode {
  return function Lazy(props: P): VNode {
    const view = useLoad(load, []);
    return html`${show(view, (View) => html`<${View} ...${props} />`)}`;
  };
}

// The wallet (BIP-39's word list, the vault) and the node dashboard (uPlot) weigh most and are opened least.
const WalletPage = lazy<{ route: Route }>(async () => (await import('./wallet/page.ts')).WalletPage);
const NodePage = lazy<Record<string, never>>(async () => (await import('./node/page.ts')).NodePage);

const SECTIONS = [
  { route: '', label: 'Explorer' },
  { route: 'validators', label: 'Validators' },
  { route: 'wallet', label: 'Wallet' },
  { route: 'governance', label: 'Governance' },
  { route: 'node', label: 'Node' },
] as const;

function view(route: Route): VNode {
  const [section = '', ...rest] = route;
  switch (section) {
    case '':
      return html`<${HomePage} />`;
    case 'blocks':
      return html`<${BlocksPage} cursor=${rest[0] ?? ''} />`;
    case 'block':
      return html`<${BlockPage} id=${rest[0] ?? ''} />`;
    case 'tx':
      return html`<${TxPage} id=${rest[0] ?? ''} />`;
    case 'account':
      return html`<${AccountPage} address=${rest[0] ?? ''} />`;
    case 'validators':
      return html`<${ValidatorsPage} />`;
    case 'search':
      return html`<${SearchPage} query=${rest[0] ?? ''} />`;
    case 'wallet':
      return html`<${WalletPage} route=${rest} />`;
    case 'governance':
      return html`<${GovernancePage} route=${rest} />`;
    case 'node':
      return html`<${NodePage} />`;
    default:
      return html`<${Page} title="Not found"><p>No page at <code>${location.hash}</code>.</p><//>`;
  }
}

function SearchBox(): VNode {
  const [query, setQuery] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const q = query.trim();
    if (q === '') return;
    navigate(...searchRoute(q));
    setQuery(''); // the box is for the next search; the page says what this one found
  };
  return html`<form role="search" class="search" onSubmit=${submit}>
    <label for="search">Search</label>
    <input
      id="search"
      type="search"
      placeholder="height, block hash, transaction id or address"
      value=${query}
      onInput=${(e: Event) => setQuery((e.target as HTMLInputElement).value)}
    />
    <button type="submit">Go</button>
  </form>`;
}

function LiveLine(): VNode {
  const live = useLive();
  const s = live.status;
  return html`<p class="live" aria-live="off">
    <span class=${live.connected ? 'dot on' : 'dot'} aria-hidden="true"></span>
    ${live.connected ? 'live' : 'connecting…'}
    ${
      s === undefined
        ? ''
        : html` · <span>${s.chainId}</span> · height <strong id="live-height">${String(s.height)}</strong> · app
          version ${s.appVersion} · ${s.maturity} · ${s.moniker}`
    }
    ${
      s?.unsafeSkipUpgrades === undefined
        ? ''
        : html` · <strong class="bad">skips any upgrade plan at height ${s.unsafeSkipUpgrades.join(', ')} (UPG-9)</strong>`
    }
  </p>`;
}

export function App(): VNode {
  const route = useRoute();
  const section = route[0] ?? '';
  const current = SECTIONS.find((s) => s.route === section)?.route ?? (section === 'validators' ? 'validators' : '');
  return html`<header>
      <a class="brand" href="#/">babychain</a>
      <nav aria-label="Sections">
        <ul>
          ${SECTIONS.map(
            (s) =>
              html`<li key=${s.route}>
                <a href=${href(...(s.route === '' ? [] : [s.route]))} aria-current=${current === s.route ? 'page' : undefined}
                  >${s.label}</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      <${SearchBox} />
      <${LiveLine} />
    </header>
    <main id="main">${view(route)}</main>`;
}
