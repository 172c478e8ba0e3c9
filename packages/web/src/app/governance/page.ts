/**
 * Governance and upgrades (specs/governance.md, RPC-18): maturity and what it implies, proposals in voting with live
 * tallies, the scheduled plan, recent results and applied upgrades. The record is read again at every new height,
 * and kept on screen while a read fails: during a switch every node restarts, which is exactly when people watch.
 */
import type { UpgradeStatus, ValidatorInfo } from '@babychain/client';
import type { VNode } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { client } from '../client.ts';
import { html } from '../html.ts';
import { useLive } from '../live.ts';
import type { Route } from '../router.ts';
import { Amount, ErrorBox, Facts, Page } from '../ui.ts';
import './governance.css';
import { HistorySection } from './history.ts';
import { blocksText, estimateMs, formatDuration, fraction, votersOf } from './model.ts';
import { PlanSection } from './plan.ts';
import { ProposalsSection, ResultsSection } from './proposals.ts';

const RETRY_MS = 2000;

interface Reading {
  readonly upgrade: UpgradeStatus | undefined;
  readonly validators: readonly ValidatorInfo[];
  readonly error: unknown;
}

/** The record and the signing set, read at each new height (and retried while reads fail). */
function useGovernance(height: bigint | undefined): Reading {
  const [reading, setReading] = useState<Reading>({ upgrade: undefined, validators: [], error: undefined });
  const [retry, setRetry] = useState(0);
  useEffect(() => {
    let current = true;
    Promise.all([client.upgrade(), client.validators()]).then(
      ([upgrade, set]) => current && setReading({ upgrade, validators: set.validators, error: undefined }),
      (error: unknown) => {
        if (!current) return;
        setReading((r) => ({ ...r, error }));
        setTimeout(() => setRetry((n) => n + 1), RETRY_MS);
      },
    );
    return () => {
      current = false;
    };
  }, [height, retry]);
  return reading;
}

const SECTIONS = ['maturity', 'proposals', 'plan', 'results', 'history'] as const;

export function GovernancePage({ route }: { route: Route }): VNode {
  const live = useLive();
  const { upgrade, validators, error } = useGovernance(live.status?.height);
  const voters = useMemo(() => votersOf(validators), [validators]);
  const focus = route[0];
  useEffect(() => {
    if (focus !== undefined && upgrade !== undefined) document.getElementById(`gov-${focus}`)?.scrollIntoView();
  }, [focus, upgrade === undefined]);
  const height = upgrade === undefined ? 0n : (live.status?.height ?? upgrade.height);
  const blockTimeMs = live.status?.blockTimeMs.p50 ?? null;
  return html`<${Page} title="Governance and upgrades">
    <nav aria-label="Governance sections" class="pager">
      ${SECTIONS.map((s) => html`<a key=${s} href=${`#/governance/${s}`}>${s === 'plan' ? 'upgrade plan' : s}</a>`)}
    </nav>
    ${error === undefined ? '' : html`<${ErrorBox} error=${error} />`}
    ${
      upgrade === undefined
        ? error === undefined
          ? html`<p class="muted" aria-busy="true">Loading…</p>`
          : ''
        : html`<${Maturity} upgrade=${upgrade} blockTimeMs=${blockTimeMs} />
          <${ProposalsSection} gov=${upgrade.governance} height=${height} blockTimeMs=${blockTimeMs} voters=${voters} />
          <${PlanSection} gov=${upgrade.governance} height=${height} blockTimeMs=${blockTimeMs} voters=${voters} />
          <${ResultsSection} gov=${upgrade.governance} />
          <${HistorySection} applied=${upgrade.governance.applied} />`
    }
  <//>`;
}

function blocksWithTime(blocks: bigint, blockTimeMs: number | null): string {
  const ms = estimateMs(blocks, blockTimeMs);
  return `${blocksText(blocks)}${ms === null ? '' : ` (${formatDuration(ms)})`}`;
}

/** GOV-7: the stage and what it sets; the grown-up column says what growing up tightens. */
function Maturity({ upgrade, blockTimeMs }: { upgrade: UpgradeStatus; blockTimeMs: number | null }): VNode {
  const g = upgrade.governance;
  const gp = g.govParams;
  const grown = g.maturity === 'grown-up';
  return html`<section aria-labelledby="gov-maturity">
    <h2 id="gov-maturity">Maturity: ${grown ? 'grown-up' : 'baby'}</h2>
    <p>
      ${
        grown
          ? 'The chain is grown up for good: long votes and delays, and software upgrades need attested builds.'
          : 'The chain is a baby: short votes and delays, so an upgrade can go from proposal to running in minutes; a passed parameter change can declare it grown up, for good.'
      }
    </p>
    <table aria-labelledby="gov-maturity">
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Baby</th>
          <th scope="col">Grown-up</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Voting period</th>
          <td>${blocksWithTime(gp.babyVotingPeriod, blockTimeMs)}${grown ? '' : ' (in force)'}</td>
          <td>${blocksWithTime(gp.grownUpVotingPeriod, blockTimeMs)}${grown ? ' (in force)' : ''}</td>
        </tr>
        <tr>
          <th scope="row">Upgrade delay after the vote</th>
          <td>${blocksWithTime(gp.babyUpgradeDelay, blockTimeMs)}${grown ? '' : ' (in force)'}</td>
          <td>${blocksWithTime(gp.grownUpUpgradeDelay, blockTimeMs)}${grown ? ' (in force)' : ''}</td>
        </tr>
        <tr>
          <th scope="row">Software upgrades need build attestations</th>
          <td>no${grown ? '' : ' (in force)'}</td>
          <td>
            by more than ${fraction(g.rules.attestation)} of the voting power${grown ? ' (in force)' : ''}
          </td>
        </tr>
      </tbody>
    </table>
    <${Facts}
      rows=${[
        ['App version', html`<span data-testid="app-version">${g.appVersion}</span>`],
        ['Release in force', g.versionInForce === '' ? '(none)' : g.versionInForce],
        ['This node runs', `${upgrade.nodeVersion} (can apply: ${upgrade.handlers.join(', ') || 'none'})`],
        [
          'Release signers',
          g.releaseSigners.length === 0
            ? 'none: no software upgrade can pass'
            : `${g.releaseThreshold} of ${g.releaseSigners.length}`,
        ],
        ['Minimum deposit', html`<${Amount} value=${gp.minDeposit} />`],
      ]}
    />
  </section>`;
}
