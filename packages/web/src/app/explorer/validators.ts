/** The signing set with its power, and who signed, missed and proposed over the last N blocks (RPC-17). */
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { href } from '../router.ts';
import { percent } from '../share.ts';
import { Page, Short, show, useLoad } from '../ui.ts';

const WINDOWS = [10, 100, 1000] as const;

export function ValidatorsPage(): VNode {
  const [blocks, setBlocks] = useState<number>(100);
  const set = useLoad(() => client.validators(), []);
  const signing = useLoad(() => client.validatorSigning(blocks), [blocks]);
  return html`<${Page} title="Validators">
    ${show(set, (v) => {
      const total = v.validators.reduce((sum, x) => sum + x.power, 0n);
      return html`<p>${v.validators.length} validators at height ${String(v.height)}, total power ${String(total)}.</p>
        <table aria-label="Validator set">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col">Operator</th>
              <th scope="col">Power</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            ${v.validators.map(
              (x, i) => html`<tr key=${x.address}>
                <td>${i}</td>
                <td>${x.name}</td>
                <td><${Short} hex=${x.operator} to=${href('account', x.operator)} /></td>
                <td>${String(x.power)}</td>
                <td>${percent(x.power, total)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${
          v.jailed.length === 0
            ? ''
            : html`<h2>Jailed</h2>
              <ul>
                ${v.jailed.map((j) => html`<li key=${j.address}><code>${j.address}</code></li>`)}
              </ul>`
        }`;
    })}
    <h2 id="signing-title">Signing record</h2>
    <label>
      Last
      <select value=${blocks} onChange=${(e: Event) => setBlocks(Number((e.target as HTMLSelectElement).value))}>
        ${WINDOWS.map((n) => html`<option key=${n} value=${n}>${n} blocks</option>`)}
      </select>
    </label>
    ${show(
      signing,
      (s) => html`<p class="muted">Heights ${String(s.from)} to ${String(s.to)}.</p>
        <table aria-labelledby="signing-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Signed</th>
              <th scope="col">Missed</th>
              <th scope="col">Proposed</th>
              <th scope="col">In the set</th>
            </tr>
          </thead>
          <tbody>
            ${s.validators.map(
              (x) => html`<tr key=${x.address} class=${x.missed > 0 ? 'warn' : ''}>
                <td><a href=${href('account', x.address)}>${x.name === '' ? x.address : x.name}</a></td>
                <td>${x.signed}</td>
                <td>${x.missed}</td>
                <td>${x.proposed}</td>
                <td>${x.inSet ? 'yes' : 'no'}</td>
              </tr>`,
            )}
          </tbody>
        </table>`,
    )}
  <//>`;
}
