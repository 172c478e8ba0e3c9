/**
 * Sending coins from the unlocked key: the form, a confirmation of exactly what will be signed, then the SDK's
 * sendTransfer (sign here, submit, wait for the commit). Inputs are checked before the confirmation, so what is
 * confirmed is what is sent.
 */
import { BabyError, decodeAddress, formatAmount, isBabyError, parseAmount, sendTransfer } from '@babychain/client';
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import { href } from '../router.ts';
import { Amount, ErrorBox, Facts } from '../ui.ts';
import { PREFIX, type Unlocked } from './session.ts';

const MAX_MEMO_BYTES = 256;

interface Draft {
  readonly chainId: string;
  readonly to: string;
  readonly amount: bigint;
  readonly fee: bigint;
  readonly memo: string;
}

type Step =
  | { readonly at: 'form' }
  | { readonly at: 'confirm'; readonly draft: Draft }
  | { readonly at: 'sending'; readonly draft: Draft }
  | { readonly at: 'sent'; readonly id: string; readonly height: bigint | undefined };

const value = (e: Event) => (e.target as HTMLInputElement).value;

/** A field's problem in the form's words, under the code the SDK or the node would give it. */
function invalid(code: string, message: string): BabyError {
  return new BabyError(code, message);
}

function check(
  form: { to: string; amount: string; fee: string; memo: string },
  from: string,
  minFee: bigint,
): Omit<Draft, 'chainId'> {
  const to = form.to.trim();
  try {
    decodeAddress(to, PREFIX);
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw invalid(err.code, `Recipient: not a ${PREFIX}1… address of this chain: ${err.message}`);
  }
  if (to === from) throw invalid('TX_SELF_TRANSFER', 'Recipient: this is your own address');
  const amount = field('Amount', form.amount);
  if (amount === 0n) throw invalid('TX_ZERO_AMOUNT', 'Amount: send more than 0 BABY');
  const fee = field('Fee', form.fee);
  if (fee < minFee) {
    throw invalid('TX_FEE_TOO_LOW', `Fee: the chain's minimum fee is ${formatAmount(minFee)} BABY`);
  }
  if (new TextEncoder().encode(form.memo).length > MAX_MEMO_BYTES) {
    throw invalid('TX_MEMO_TOO_LONG', `Memo: at most ${MAX_MEMO_BYTES} bytes`);
  }
  return { to, amount, fee, memo: form.memo };
}

function field(name: string, text: string): bigint {
  try {
    return parseAmount(text.trim());
  } catch (err) {
    if (!isBabyError(err)) throw err;
    throw invalid(err.code, `${name}: ${err.message} (BABY, at most 6 decimals, e.g. 1.5)`);
  }
}

export function SendForm({ session, onSent }: { session: Unlocked; onSent: () => void }): VNode {
  const status = useLive().status;
  const minFee = status?.params.minFee;
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [fee, setFee] = useState<string | undefined>(undefined);
  const [memo, setMemo] = useState('');
  const [step, setStep] = useState<Step>({ at: 'form' });
  const [error, setError] = useState<unknown>(undefined);
  const feeText = fee ?? (minFee === undefined ? '' : formatAmount(minFee));
  useEffect(() => setError(undefined), [to, amount, fee, memo]);

  const review = (e: Event) => {
    e.preventDefault();
    if (status === undefined || minFee === undefined) {
      setError(invalid('CLIENT_UNREACHABLE', 'the node has not answered yet; try again in a moment'));
      return;
    }
    try {
      setStep({
        at: 'confirm',
        draft: { chainId: status.chainId, ...check({ to, amount, fee: feeText, memo }, session.address, minFee) },
      });
    } catch (err) {
      setError(err);
    }
  };
  const send = async (draft: Draft) => {
    setStep({ at: 'sending', draft });
    setError(undefined);
    try {
      const sent = await sendTransfer(client, {
        seed: session.seed,
        to: draft.to,
        amount: draft.amount,
        fee: draft.fee,
        memo: draft.memo,
      });
      setStep({ at: 'sent', id: sent.id, height: sent.height });
      setAmount('');
      setMemo('');
      onSent();
    } catch (err) {
      setError(err);
      setStep({ at: 'confirm', draft });
    }
  };

  return html`<section aria-labelledby="send-title">
    <h2 id="send-title">Send</h2>
    ${
      step.at === 'confirm' || step.at === 'sending'
        ? html`<${Confirm} draft=${step.draft} from=${session.address} busy=${step.at === 'sending'} error=${error}
            onConfirm=${() => send(step.draft)} onCancel=${() => setStep({ at: 'form' })} />`
        : html`<form class="stack" onSubmit=${review}>
            <label>Recipient <input required autocomplete="off" spellcheck="false" placeholder="${PREFIX}1…" value=${to}
              onInput=${(e: Event) => setTo(value(e))} /></label>
            <label>Amount (BABY) <input required inputmode="decimal" value=${amount} onInput=${(e: Event) => setAmount(value(e))} /></label>
            <label>Fee (BABY) <input required inputmode="decimal" aria-describedby="fee-hint" value=${feeText}
              onInput=${(e: Event) => setFee(value(e))} /></label>
            <p class="hint" id="fee-hint">
              Paid to the block's proposer; at least the chain's minimum, ${minFee === undefined ? '…' : html`<${Amount} value=${minFee} />`}.
            </p>
            <label>Memo <input maxlength=${MAX_MEMO_BYTES} value=${memo} onInput=${(e: Event) => setMemo(value(e))} /></label>
            ${error === undefined ? '' : html`<${ErrorBox} error=${error} />`}
            <p><button type="submit">Send</button></p>
          </form>`
    }
    ${step.at === 'sent' ? html`<${Sent} id=${step.id} height=${step.height} />` : ''}
  </section>`;
}

function Confirm(props: {
  draft: Draft;
  from: string;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}): VNode {
  const { draft } = props;
  // the form that had the focus is gone: the keyboard lands on what is to be confirmed
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => card.current?.focus(), []);
  return html`<div ref=${card} tabindex="-1" class="card" role="group" aria-labelledby="confirm-title">
    <h3 id="confirm-title">Sign and send this transfer?</h3>
    <${Facts}
      rows=${[
        ['Chain', draft.chainId],
        ['From', html`<code class="wrap">${props.from}</code>`],
        ['To', html`<code class="wrap">${draft.to}</code>`],
        ['Amount', html`<${Amount} value=${draft.amount} />`],
        ['Fee', html`<${Amount} value=${draft.fee} />`],
        ['Total', html`<strong><${Amount} value=${draft.amount + draft.fee} /></strong>`],
        ['Memo', draft.memo === '' ? html`<span class="muted">none</span>` : draft.memo],
      ]}
    />
    ${props.error === undefined ? '' : html`<${ErrorBox} error=${props.error} />`}
    ${props.busy ? html`<p role="status" class="muted">Signed and submitted; waiting for a block…</p>` : ''}
    <p class="pager">
      <button type="button" disabled=${props.busy} onClick=${props.onConfirm}>Confirm send</button>
      <button type="button" class="secondary" disabled=${props.busy} onClick=${props.onCancel}>Cancel</button>
    </p>
  </div>`;
}

/** The committed transaction's id, linked to its page; also used after a multisig broadcast. */
export function Sent({ id, height }: { id: string; height: bigint | undefined }): VNode {
  return html`<p role="status" class="ok">
    ${`Committed${height === undefined ? '' : ` in block ${height}`}: `}<a href=${href('tx', id)}><code class="wrap" data-testid="sent-txid">${id}</code></a>
  </p>`;
}
