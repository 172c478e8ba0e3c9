/**
 * The wallet: keys kept encrypted in this browser, the unlocked key's address, balance and history, sends, and
 * multisig. Keys are used only here: the node receives signed transactions and queries, never a key, seed or
 * mnemonic.
 */
import { toHex } from '@babychain/client';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { client } from '../client.ts';
import { History } from '../explorer/account.ts';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href, type Route } from '../router.ts';
import { Amount, Facts, Page, show, useLoad } from '../ui.ts';
import { CopyButton } from './files.ts';
import { KeysPanel, MnemonicNotice } from './keys.ts';
import { MultisigPanel } from './multisig.ts';
import { SendForm } from './send.ts';
import { lock, type Unlocked, useSession } from './session.ts';

export function WalletPage({ route: _route }: { route: Route }): VNode {
  const session = useSession();
  const [mnemonic, setMnemonic] = useState<string | undefined>(undefined);
  // bumped after a send or broadcast so that the history shows it at once
  const [sends, setSends] = useState(0);
  const sent = () => setSends((n) => n + 1);
  return html`<${Page} title="Wallet">
    ${mnemonic === undefined ? '' : html`<${MnemonicNotice} mnemonic=${mnemonic} onDone=${() => setMnemonic(undefined)} />`}
    ${
      session === undefined
        ? html`<${KeysPanel} onCreated=${setMnemonic} />`
        : html`<${Overview} session=${session} sends=${sends} />
          <${SendForm} session=${session} onSent=${sent} />`
    }
    <${MultisigPanel} session=${session} onBroadcast=${sent} />
    ${session === undefined ? '' : html`<${History} address=${session.address} refresh=${sends} />`}
  <//>`;
}

function Overview({ session, sends }: { session: Unlocked; sends: number }): VNode {
  const height = useLive().status?.height;
  // read again at each new height, so coins received show without a reload
  const account = useLoad(() => client.account(session.address), [session.address, height, sends]);
  return html`<section aria-labelledby="key-title">
    <h2 id="key-title">Key "${session.name}"</h2>
    <${Facts}
      rows=${[
        [
          'Address',
          html`<code class="wrap" data-testid="wallet-address">${session.address}</code> <${CopyButton}
              text=${session.address}
              label="Copy address"
            />`,
        ],
        [
          'Balance',
          show(
            account,
            (
              a,
            ) => html`<strong data-testid="wallet-balance" aria-live="polite" aria-atomic="true" data-ubaby=${String(a.balance)}
              ><${Amount} value=${a.balance}
            /></strong>`,
          ),
        ],
        [
          'Public key',
          html`<code class="wrap" data-testid="wallet-public-key">${toHex(session.publicKey)}</code>
            <br /><span class="hint">what a multisig key needs from you (<code>baby keys add-multisig</code>)</span>`,
        ],
        ['Nonce', account.state === 'ready' ? String(account.value.nonce) : '…'],
        ['In the explorer', html`<a href=${href('account', session.address)}>account page</a>`],
      ]}
    />
    <p><button type="button" class="secondary" onClick=${lock}>Lock</button> <span class="hint">forgets the key from this page's memory; unlocking again asks the passphrase</span></p>
  </section>`;
}
