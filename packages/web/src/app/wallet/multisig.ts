/**
 * Multisig, with the CLI's files (`baby tx send --generate-only`, `baby tx sign --multisig`, `baby tx multisign`):
 * load an unsigned transaction, read what it does from its body, sign it as a member with the unlocked key, and
 * combine the members' signatures into a transaction to broadcast. The files' format and checks are the SDK's
 * (`readUnsignedFile`, `combineSignatures`), the same code the CLI runs.
 */
import {
  BabyError,
  memberIndex,
  multisigSigner,
  parseFileJson,
  readUnsignedFile,
  type SourcedSignature,
  signatureFile,
  signBody,
  type TxBody,
  type TxSummary,
  toHex,
  txSummary,
} from '@babychain/client';
import type { VNode } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href } from '../router.ts';
import { Amount, ErrorBox, Facts, show, useLoad } from '../ui.ts';
import { CombineForm } from './combine.ts';
import { CopyButton, download, readFiles } from './files.ts';
import { PREFIX, type Unlocked } from './session.ts';
import { VaultErrorCode } from './vault.ts';

type Parsed =
  | { readonly ok: true; readonly body: TxBody; readonly summary: TxSummary }
  | { readonly ok: false; readonly error: unknown };

const SOURCE = 'the unsigned transaction';

/** The body of the pasted file, checked as the CLI checks it, and for this node's chain. */
function parse(text: string, chainId: string | undefined): Parsed | undefined {
  if (text.trim() === '') return undefined;
  try {
    const body = readUnsignedFile(parseFileJson(text, SOURCE), PREFIX, SOURCE);
    multisigSigner(body);
    if (chainId !== undefined && body.chainId !== chainId) {
      throw new BabyError(
        VaultErrorCode.WRONG_CHAIN,
        `the body is for chain "${body.chainId}", this node runs "${chainId}"; nothing can be signed`,
      );
    }
    return { ok: true, body, summary: txSummary(body, PREFIX) };
  } catch (error) {
    return { ok: false, error };
  }
}

export function MultisigPanel({
  session,
  onBroadcast,
}: {
  session: Unlocked | undefined;
  onBroadcast: () => void;
}): VNode {
  const chainId = useLive().status?.chainId;
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [mine, setMine] = useState<SourcedSignature | undefined>(undefined);
  const parsed = useMemo(() => parse(text, chainId), [text, chainId]);
  const setUnsigned = (t: string) => {
    setText(t);
    setMine(undefined);
  };
  const load = async (e: Event) => {
    setLoadError(undefined);
    try {
      const [file] = await readFiles(e.target as HTMLInputElement);
      if (file !== undefined) setUnsigned(file.text);
    } catch (err) {
      setLoadError(err);
    }
  };
  return html`<section aria-labelledby="multisig-title">
    <h2 id="multisig-title">Multisig</h2>
    <p class="hint">
      For an account held by several keys: load the unsigned transaction
      that <code>baby tx send --generate-only</code> wrote, sign it as a member, and once enough members have signed, combine the signature files and broadcast.
    </p>
    <form class="stack" onSubmit=${(e: Event) => e.preventDefault()}>
      <label
        >Unsigned transaction file
        <input type="file" accept=".json,application/json" onChange=${load}
      /></label>
      <label
        >Unsigned transaction (JSON)
        <textarea
          rows="6"
          spellcheck="false"
          value=${text}
          onInput=${(e: Event) => setUnsigned((e.target as HTMLTextAreaElement).value)}
        ></textarea>
      </label>
    </form>
    ${loadError === undefined ? '' : html`<${ErrorBox} error=${loadError} />`}
    ${parsed === undefined ? '' : parsed.ok ? '' : html`<${ErrorBox} error=${parsed.error} />`}
    ${
      parsed?.ok === true
        ? html`<${Summary} body=${parsed.body} summary=${parsed.summary} session=${session} />
          <${SignPart} body=${parsed.body} session=${session} mine=${mine} onSigned=${setMine} />
          <${CombineForm} body=${parsed.body} mine=${mine} onBroadcast=${onBroadcast} />`
        : ''
    }
  </section>`;
}

/** What the body does, read from the body itself (the file's summary was only checked against it). */
function Summary({ body, summary, session }: { body: TxBody; summary: TxSummary; session: Unlocked | undefined }) {
  const key = multisigSigner(body);
  const account = useLoad(() => client.account(summary.from), [summary.from]);
  return html`<div class="card">
    <h3>What this transaction does</h3>
    <${Facts}
      rows=${[
        ['Chain', summary.chainId],
        ['From', html`<a href=${href('account', summary.from)}><code class="wrap">${summary.from}</code></a>`],
        ['Multisig key', `${key.threshold} of ${key.publicKeys.length} keys`],
        ['Action', summary.action],
        ...(summary.to === undefined ? [] : [['To', html`<code class="wrap">${summary.to}</code>`] as const]),
        ...(summary.amount === undefined ? [] : [['Amount', html`<${Amount} value=${summary.amount} />`] as const]),
        ...(summary.details === undefined
          ? []
          : [['Details', html`<code class="wrap">${summary.details}</code>`] as const]),
        ['Fee', html`<${Amount} value=${summary.fee} />`],
        ['Nonce', String(summary.nonce)],
        ['Memo', summary.memo ?? html`<span class="muted">none</span>`],
      ]}
    />
    <ol start="0" aria-label="Member keys, by key index">
      ${key.publicKeys.map((k, i) => {
        const you = session !== undefined && toHex(k) === toHex(session.publicKey);
        return html`<li key=${i}><code>${toHex(k).slice(0, 16)}…</code>${you ? html` <strong>(your key)</strong>` : ''}</li>`;
      })}
    </ol>
    ${show(account, (a) =>
      a.nonce === summary.nonce
        ? html`<p class="hint">The account holds <${Amount} value=${a.balance} />; its next nonce is this body's.</p>`
        : html`<p class="warn" role="alert">
            The account's next nonce is ${String(a.nonce)}, this body's ${String(summary.nonce)}: the node will
            refuse it (TX_BAD_NONCE). Generate the transaction again.
          </p>`,
    )}
  </div>`;
}

function SignPart(props: {
  body: TxBody;
  session: Unlocked | undefined;
  mine: SourcedSignature | undefined;
  onSigned: (s: SourcedSignature) => void;
}): VNode {
  const { body, session, mine } = props;
  if (session === undefined) return html`<p class="hint">Unlock a member's key above to sign.</p>`;
  let keyIndex: number;
  try {
    keyIndex = memberIndex(body, session.publicKey);
  } catch (error) {
    return html`<${ErrorBox} error=${error} />`;
  }
  const sign = () => props.onSigned({ ...signBody(body, session.seed, keyIndex), source: 'your signature' });
  const fileText = mine === undefined ? '' : `${JSON.stringify(signatureFile(mine), null, 2)}\n`;
  return html`<div>
    <h3>Sign as member ${keyIndex}</h3>
    <p>
      <button type="button" onClick=${sign} disabled=${mine !== undefined}>Sign</button>
      <span class="hint"> with "${session.name}", key index ${keyIndex}: check the summary above first.</span>
    </p>
    ${
      mine === undefined
        ? ''
        : html`<form class="stack" onSubmit=${(e: Event) => e.preventDefault()}>
            <label
              >Your signature (JSON)
              <textarea rows="4" readonly spellcheck="false" data-testid="signature-file" value=${fileText}></textarea>
            </label>
            <p class="pager">
              <button type="button" class="secondary" onClick=${() => download(`signature-${keyIndex}.json`, fileText)}>
                Download signature
              </button>
              <${CopyButton} text=${fileText} label="Copy signature" />
            </p>
            <p class="hint">
              Send this file to whoever combines the signatures (<code>baby tx multisign</code> reads it too). It is
              already counted below.
            </p>
          </form>`
    }
  </div>`;
}
