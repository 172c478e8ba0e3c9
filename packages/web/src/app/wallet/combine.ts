/**
 * Combining the members' signatures of a multisig body (files from `baby tx sign --multisig` or from this console)
 * and broadcasting the result. Every check is the SDK's combineSignatures, the one `baby tx multisign` runs.
 */
import {
  combineSignatures,
  parseFileJson,
  readSignatureFile,
  type SourcedSignature,
  submitAndWait,
  type TxBody,
  toHex,
  txIdHex,
} from '@babychain/client';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { ErrorBox } from '../ui.ts';
import { download, readFiles } from './files.ts';
import { Sent } from './send.ts';

/** Signature files pasted together: each is a flat `{ keyIndex, signature }` object, so objects are cut at braces. */
function pastedSignatures(text: string): SourcedSignature[] {
  const objects = text.match(/\{[^{}]*\}/g) ?? [];
  if (objects.length === 0 && text.trim() !== '') parseFileJson(text, 'the pasted signature');
  return objects.map((o, i) =>
    readSignatureFile(parseFileJson(o, `pasted signature ${i + 1}`), `pasted signature ${i + 1}`),
  );
}

export function CombineForm(props: {
  body: TxBody;
  mine: SourcedSignature | undefined;
  onBroadcast: () => void;
}): VNode {
  const [fromFiles, setFromFiles] = useState<SourcedSignature[]>([]);
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<{ id: string; height: bigint | undefined } | undefined>(undefined);

  let fromPaste: SourcedSignature[] = [];
  let pasteError: unknown;
  try {
    fromPaste = pastedSignatures(pasted);
  } catch (err) {
    pasteError = err;
  }
  const all = [...(props.mine === undefined ? [] : [props.mine]), ...fromFiles, ...fromPaste];

  const load = async (e: Event) => {
    setError(undefined);
    try {
      const files = await readFiles(e.target as HTMLInputElement);
      setFromFiles(files.map((f) => readSignatureFile(parseFileJson(f.text, f.name), f.name)));
    } catch (err) {
      setFromFiles([]);
      setError(err);
    }
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setSent(undefined);
    setBusy(true);
    try {
      const bytes = combineSignatures(props.body, all);
      const done = await submitAndWait(client, bytes);
      setSent({ id: done.id, height: done.height });
      props.onBroadcast();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // for `baby tx broadcast` elsewhere, or to keep: the same { tx, id } file `baby tx multisign` writes
  const downloadSigned = () => {
    setError(undefined);
    try {
      const bytes = combineSignatures(props.body, all);
      download('signed.json', `${JSON.stringify({ tx: toHex(bytes), id: txIdHex(bytes) }, null, 2)}\n`);
    } catch (err) {
      setError(err);
    }
  };

  return html`<form class="stack" onSubmit=${submit} aria-busy=${busy}>
    <h3>Combine and broadcast</h3>
    <label
      >Signature files
      <input type="file" multiple accept=".json,application/json" onChange=${load} />
    </label>
    <label
      >Pasted signatures (JSON)
      <textarea
        rows="3"
        spellcheck="false"
        value=${pasted}
        onInput=${(e: Event) => setPasted((e.target as HTMLTextAreaElement).value)}
      ></textarea>
    </label>
    ${pasteError === undefined ? '' : html`<${ErrorBox} error=${pasteError} />`}
    <div aria-live="polite">
      ${
        all.length === 0
          ? html`<p class="muted">No signature yet.</p>`
          : html`<p>Signatures: ${all.map((s) => `key ${s.keyIndex} (${s.source})`).join(', ')}.</p>`
      }
    </div>
    ${error === undefined ? '' : html`<${ErrorBox} error=${error} />`}
    ${busy ? html`<p role="status" class="muted">Broadcast; waiting for a block…</p>` : ''}
    <p class="pager">
      <button type="submit" disabled=${busy}>Combine and broadcast</button>
      <button type="button" class="secondary" onClick=${downloadSigned}>
        Download signed transaction
      </button>
    </p>
    ${sent === undefined ? '' : html`<${Sent} id=${sent.id} height=${sent.height} />`}
  </form>`;
}
