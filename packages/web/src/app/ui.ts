/** The pieces every view shares: loading an answer, showing an error with its code, hashes, amounts and times. */
import { formatAmount, isBabyError } from '@babychain/client';
import type { ComponentChildren, VNode } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from './html.ts';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly error: unknown }
  | { readonly state: 'ready'; readonly value: T };

/** Runs `load` when `deps` change (and on `reload`); an answer that arrives after a newer request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> & { reload: () => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setLoaded({ state: 'ready', value }),
      (error: unknown) => current && setLoaded({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...loaded, reload };
}

/** What a `Loaded` shows: a busy line, the error, or `render` of the answer. */
export function show<T>(loaded: Loaded<T>, render: (value: T) => VNode | VNode[] | string | null): ComponentChildren {
  if (loaded.state === 'loading') return html`<p class="muted" aria-busy="true">Loading…</p>`;
  if (loaded.state === 'failed') return html`<${ErrorBox} error=${loaded.error} />`;
  return render(loaded.value);
}

/** An error as people and scripts read it: its stable code, then what happened. */
export function ErrorBox({ error }: { error: unknown }): VNode {
  const code = isBabyError(error) ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return html`<p class="error" role="alert">${code === undefined ? '' : html`<code>${code}</code> `}${message}</p>`;
}

/** A hash or key cut to its ends, whole in the tooltip; a link when `to` is given. */
export function Short({ hex, to, chars = 10 }: { hex: string; to?: string; chars?: number }): VNode {
  const text = hex.length <= chars * 2 + 1 ? hex : `${hex.slice(0, chars)}…${hex.slice(-6)}`;
  return to === undefined
    ? html`<code title=${hex}>${text}</code>`
    : html`<a href=${to} title=${hex}><code>${text}</code></a>`;
}

export function Amount({ value }: { value: bigint }): VNode {
  return html`<span class="amount">${formatAmount(value)} BABY</span>`;
}

export function Time({ ms }: { ms: bigint | number }): VNode {
  const date = new Date(Number(ms));
  return html`<time datetime=${date.toISOString()}>${date.toLocaleString()}</time>`;
}

/** "12 s ago", for live tables that should not need a clock to read. */
export function Ago({ ms, now }: { ms: bigint | number; now: number }): VNode {
  const s = Math.max(0, Math.round((now - Number(ms)) / 1000));
  const text = s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : `${Math.floor(s / 3600)} h ago`;
  return html`<time datetime=${new Date(Number(ms)).toISOString()} title=${new Date(Number(ms)).toLocaleString()}
    >${text}</time
  >`;
}

/** A page: its heading (also the document title) and its content. */
export function Page({ title, children }: { title: string; children?: ComponentChildren }): VNode {
  useEffect(() => {
    document.title = `${title} · babychain`;
  }, [title]);
  return html`<section aria-labelledby="page-title">
    <h1 id="page-title">${title}</h1>
    ${children}
  </section>`;
}

/** Label and value rows, for one block, transaction or account. */
export function Facts({ rows }: { rows: readonly (readonly [string, ComponentChildren])[] }): VNode {
  return html`<dl class="facts">
    ${rows.map(([k, v]) => html`<div key=${k}><dt>${k}</dt><dd>${v}</dd></div>`)}
  </dl>`;
}
