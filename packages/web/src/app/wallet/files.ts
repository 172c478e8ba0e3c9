/** Moving multisig files in and out of the page: file inputs, downloads and the clipboard, all local. */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { html } from '../html.ts';

export interface LoadedFile {
  readonly name: string;
  readonly text: string;
}

export async function readFiles(input: HTMLInputElement): Promise<LoadedFile[]> {
  return Promise.all([...(input.files ?? [])].map(async (f) => ({ name: f.name, text: await f.text() })));
}

/** Offers `text` as a file the browser saves: a blob URL, so nothing leaves the page. */
export function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A button that copies `text`, and says so for screen readers too. */
export function CopyButton({ text, label }: { text: string; label: string }): VNode {
  const [said, setSaid] = useState('');
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setSaid('Copied.'),
      () => setSaid('The browser refused the clipboard; select the text and copy it.'),
    );
  return html`<span>
    <button type="button" class="secondary" onClick=${copy}>${label}</button>
    <span class="hint" role="status">${said}</span>
  </span>`;
}
