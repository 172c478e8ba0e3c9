/**
 * A live tally: the votes as shares of all voting power in one bar, then each rule of GOV-6 as a meter with its
 * threshold marked. The bar and the ticks are drawn for the eye; every number and verdict is also text, so that
 * neither colour nor position carries meaning alone.
 */
import type { ProposalKind, TallyInfo } from '@babychain/client';
import type { VNode } from 'preact';
import { html } from '../html.ts';
import { percent, ratio } from '../share.ts';
import { baseWords, fraction, neededPower, type RuleLine, type Rules, ruleLines } from './model.ts';

const OPTIONS = [
  ['yes', 'Yes'],
  ['no', 'No'],
  ['abstain', 'Abstain'],
  ['veto', 'Veto'],
] as const;

/** A threshold's place on the all-power bar, when its base can be placed there. */
function tickAt(line: RuleLine, total: bigint): number {
  return ratio((line.base * BigInt(line.share.numerator)) / BigInt(line.share.denominator), total);
}

export function Tally({
  kind,
  tally,
  rules,
  attestation,
  caption,
  id,
}: {
  /** unique on the page: labels tie to their meters by it */
  id: string;
  kind: ProposalKind;
  tally: TallyInfo;
  rules: Rules;
  attestation?: { required: boolean; power: bigint };
  caption: string;
}): VNode {
  const total = tally.totalPower;
  const voted = tally.yes + tally.no + tally.abstain + tally.veto;
  const lines = ruleLines(kind, tally, rules, attestation);
  const onBar = lines.filter((l) => l.key === 'quorum' || l.key === 'pass');
  return html`<div class="tally">
    <div class="tally-bar" aria-hidden="true">
      ${OPTIONS.map(
        ([key]) =>
          html`<span key=${key} class=${`seg ${key}`} style=${{ width: `${ratio(tally[key], total) * 100}%` }}></span>`,
      )}
      ${onBar.map(
        (l) => html`<span key=${l.key} class="tick" style=${{ left: `${tickAt(l, total) * 100}%` }} title=${l.label}
          ><span class="tick-label">${l.key === 'quorum' ? 'quorum' : 'pass'}</span></span
        >`,
      )}
    </div>
    <table class="compact">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Vote</th>
          <th scope="col">Power</th>
          <th scope="col">Share of all power</th>
        </tr>
      </thead>
      <tbody>
        ${OPTIONS.map(
          ([key, label]) => html`<tr key=${key}>
            <th scope="row"><span class=${`swatch ${key}`} aria-hidden="true"></span>${label}</th>
            <td>${String(tally[key])}</td>
            <td>${percent(tally[key], total)}</td>
          </tr>`,
        )}
        <tr>
          <th scope="row"><span class="swatch none" aria-hidden="true"></span>Not voted</th>
          <td>${String(total - voted)}</td>
          <td>${percent(total - voted, total)}</td>
        </tr>
      </tbody>
    </table>
    <ul class="rules">
      ${lines.map((l) => html`<${RuleMeter} key=${l.key} id=${`${id}-${l.key}`} line=${l} />`)}
    </ul>
  </div>`;
}

/** One rule: a meter of its part against its base, the threshold ticked on it, and the verdict in words. */
export function RuleMeter({ line, id }: { line: RuleLine; id: string }): VNode {
  const needed = neededPower(line.base, line.share);
  return html`<li class="rule">
    <label for=${id}>${`${line.label}: ${line.part} of ${line.base} (${percent(line.part, line.base)})`}</label>
    <div class="meter-wrap">
      <meter
        id=${id}
        min="0"
        max=${Number(line.base === 0n ? 1n : line.base)}
        value=${Number(line.part)}
        aria-valuetext=${`${percent(line.part, line.base)}, threshold more than ${fraction(line.share)}`}
      ></meter>
      <span
        class="tick"
        aria-hidden="true"
        style=${{ left: `${(line.share.numerator / line.share.denominator) * 100}%` }}
      ></span>
    </div>
    <span class=${line.met ? (line.key === 'veto' ? 'verdict bad' : 'verdict met') : 'verdict'}>
      ${`${line.met ? (line.key === 'veto' ? '✗ met' : '✓ met') : '○ not met'}: more than ${fraction(line.share)} of ${baseWords(line.share.of)} (${needed}) ${line.effect}`}
    </span>
  </li>`;
}
