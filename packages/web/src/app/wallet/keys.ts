/**
 * The keys kept in this browser, while none is unlocked: unlock one, create one (its mnemonic shown once), or import
 * a mnemonic. One form at a time, so each label ("Passphrase", "Name") names one field on the page.
 */
import { BabyError, deriveAccountKey, generateMnemonic, validateMnemonic } from '@babychain/client';
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.ts';
import { ErrorBox, show, useLoad } from '../ui.ts';
import { indexedDbStore } from './idb.ts';
import { keyOf, unlock } from './session.ts';
import { type KeyRecord, MIN_PASSPHRASE, nameTaken, openKey, sealKey } from './vault.ts';

type Mode = 'unlock' | 'create' | 'import';

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** Runs `work` with the form busy, its error shown until the next try. */
function useAction(): {
  busy: boolean;
  error: unknown;
  run: (work: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** Puts the keyboard in a form's first field when it opens, since the button that opened it is gone. */
function useFirstField() {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => form.current?.querySelector<HTMLElement>('input, textarea')?.focus(), []);
  return form;
}

export function KeysPanel({ onCreated }: { onCreated: (mnemonic: string) => void }): VNode {
  const [generation, setGeneration] = useState(0);
  const records = useLoad(() => indexedDbStore.list(), [generation]);
  const [mode, setMode] = useState<Mode>('unlock');
  const done = () => setGeneration((g) => g + 1);
  return html`<section aria-labelledby="keys-title">
    <h2 id="keys-title">Your keys</h2>
    <p class="hint">
      Keys are kept in this browser only, encrypted with your passphrase. The node never sees a key, a seed or a
      mnemonic: the wallet signs here and sends only signed transactions.
    </p>
    ${show(records, (list) => {
      if (mode === 'create') return html`<${CreateForm} onCreated=${onCreated} onCancel=${() => setMode('unlock')} />`;
      if (mode === 'import') return html`<${ImportForm} onCancel=${() => setMode('unlock')} />`;
      return html`${
        list.length === 0
          ? html`<p>No key in this browser yet.</p>`
          : html`<${UnlockForm} records=${list} onRemoved=${done} />`
      }
        <p class="pager">
          <button type="button" onClick=${() => setMode('create')}>Create a new key</button>
          <button type="button" class="secondary" onClick=${() => setMode('import')}>Import a mnemonic</button>
        </p>`;
    })}
  </section>`;
}

function UnlockForm({ records, onRemoved }: { records: readonly KeyRecord[]; onRemoved: () => void }): VNode {
  const [name, setName] = useState(records[0]?.name ?? '');
  const [passphrase, setPassphrase] = useState('');
  const action = useAction();
  const record = records.find((r) => r.name === name) ?? records[0];
  const submit = (e: Event) => {
    e.preventDefault();
    if (record === undefined) return;
    void action.run(async () => unlock(record.name, await openKey(record, passphrase)));
  };
  const remove = () => {
    if (record === undefined) return;
    const sure = confirm(
      `Remove the key "${record.name}" (${record.address}) from this browser? Without its mnemonic its coins are lost.`,
    );
    if (sure) void action.run(async () => indexedDbStore.remove(record.name).then(onRemoved));
  };
  return html`<form class="stack" onSubmit=${submit} aria-busy=${action.busy}>
    <label
      >Key
      <select value=${record?.name} onChange=${(e: Event) => setName(value(e))}>
        ${records.map((r) => html`<option key=${r.name} value=${r.name}>${r.name} · ${r.address}</option>`)}
      </select>
    </label>
    <label
      >Passphrase
      <input
        type="password"
        autocomplete="current-password"
        required
        value=${passphrase}
        onInput=${(e: Event) => setPassphrase(value(e))}
    /></label>
    ${action.error === undefined ? '' : html`<${ErrorBox} error=${action.error} />`}
    ${action.busy ? html`<p class="muted" role="status">Decrypting the key…</p>` : ''}
    <p class="pager">
      <button type="submit" disabled=${action.busy}>Unlock</button>
      <button type="button" class="secondary" disabled=${action.busy} onClick=${remove}>Remove key</button>
    </p>
  </form>`;
}

/** Seals the key of `mnemonic` under `passphrase`, stores it and unlocks it. */
async function keep(name: string, mnemonic: string, passphrase: string): Promise<void> {
  const { seed } = deriveAccountKey(mnemonic, 0);
  const { address, publicKey } = keyOf(seed);
  // checked before the slow seal, which `add` would otherwise refuse only afterwards
  if ((await indexedDbStore.get(name.trim())) !== undefined) throw nameTaken(name.trim());
  await indexedDbStore.add(await sealKey({ name, address, publicKey, seed }, passphrase));
  unlock(name.trim(), seed);
}

function NameAndPassphrase(props: {
  name: string;
  passphrase: string;
  setName: (v: string) => void;
  setPassphrase: (v: string) => void;
}): VNode {
  return html`<label
      >Name
      <input required maxlength="64" value=${props.name} onInput=${(e: Event) => props.setName(value(e))}
    /></label>
    <label
      >Passphrase
      <input
        type="password"
        autocomplete="new-password"
        required
        minlength=${MIN_PASSPHRASE}
        aria-describedby="passphrase-hint"
        value=${props.passphrase}
        onInput=${(e: Event) => props.setPassphrase(value(e))}
    /></label>
    <p class="hint" id="passphrase-hint">
      At least ${MIN_PASSPHRASE} characters. It encrypts the key in this browser; it cannot be recovered, but the
      mnemonic can always restore the key.
    </p>`;
}

function CreateForm({ onCreated, onCancel }: { onCreated: (m: string) => void; onCancel: () => void }): VNode {
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const form = useFirstField();
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const mnemonic = generateMnemonic(24);
      await keep(name, mnemonic, passphrase);
      onCreated(mnemonic);
    });
  };
  return html`<form ref=${form} class="stack" onSubmit=${submit} aria-busy=${action.busy}>
    <h3>Create a new key</h3>
    <${NameAndPassphrase} ...${{ name, passphrase, setName, setPassphrase }} />
    ${action.error === undefined ? '' : html`<${ErrorBox} error=${action.error} />`}
    <p class="pager">
      <button type="submit" disabled=${action.busy}>Create key</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </p>
  </form>`;
}

function ImportForm({ onCancel }: { onCancel: () => void }): VNode {
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [mnemonic, setMnemonic] = useState('');
  const form = useFirstField();
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const words = mnemonic.trim().split(/\s+/).join(' ');
      if (!validateMnemonic(words)) {
        throw new BabyError(
          'CRYPTO_BAD_MNEMONIC',
          'not a BIP-39 mnemonic: 12 to 24 English words from the BIP-39 list, with a valid checksum',
        );
      }
      await keep(name, words, passphrase);
    });
  };
  return html`<form ref=${form} class="stack" onSubmit=${submit} aria-busy=${action.busy}>
    <h3>Import a mnemonic</h3>
    <label
      >Mnemonic
      <textarea
        rows="3"
        required
        autocomplete="off"
        spellcheck="false"
        value=${mnemonic}
        onInput=${(e: Event) => setMnemonic(value(e))}
      ></textarea>
    </label>
    <p class="hint">The words of <code>baby keys add</code> or another Babychain wallet: the same words give the same address (account 0).</p>
    <${NameAndPassphrase} ...${{ name, passphrase, setName, setPassphrase }} />
    ${action.error === undefined ? '' : html`<${ErrorBox} error=${action.error} />`}
    <p class="pager">
      <button type="submit" disabled=${action.busy}>Import key</button>
      <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
    </p>
  </form>`;
}

/** The new key's mnemonic, shown this once. */
export function MnemonicNotice({ mnemonic, onDone }: { mnemonic: string; onDone: () => void }): VNode {
  return html`<section class="card" aria-labelledby="mnemonic-title">
    <h2 id="mnemonic-title">Write down your mnemonic</h2>
    <p class="warn" role="alert">
      These 24 words are the only way to recover this key if this browser's data is lost. They are not stored
      anywhere and will not be shown again. Anyone who has them can spend your coins.
    </p>
    <p><code class="wrap" data-testid="wallet-mnemonic">${mnemonic}</code></p>
    <button type="button" onClick=${onDone}>I have written it down</button>
  </section>`;
}
