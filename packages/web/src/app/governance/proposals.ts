/** The proposals in voting, each with its period and live tally (GOV-4..GOV-6), and the last results. */
import type { GovernanceInfo, ProposalInfo, ProposalKind } from '@babychain/client';
import type { VNode } from 'preact';
import { html } from '../html.ts';
import { Amount, Facts, Short } from '../ui.ts';
import {
  attestedPower,
  blocksLeft,
  blocksText,
  estimateMs,
  formatDuration,
  type SectionProps,
  type Voter,
} from './model.ts';
import { Tally } from './tally.ts';

export const KIND_WORDS: Record<ProposalKind, string> = {
  'software-upgrade': 'Software upgrade',
  'cancel-upgrade': 'Cancel an upgrade',
  'param-change': 'Parameter change',
  'validator-change': 'Validator set (add, remove, set power, unjail)',
};

const KIND_ORDER: readonly ProposalKind[] = ['software-upgrade', 'cancel-upgrade', 'validator-change', 'param-change'];

export function ProposalsSection({ gov, height, blockTimeMs, voters }: SectionProps): VNode {
  const kinds = KIND_ORDER.filter((k) => gov.proposals.some((p) => p.kind === k));
  return html`<section aria-labelledby="gov-proposals">
    <h2 id="gov-proposals">Proposals in voting</h2>
    ${
      gov.proposals.length === 0
        ? html`<p class="muted">No proposal is in voting.</p>`
        : kinds.map(
            (kind) => html`<section key=${kind} aria-labelledby=${`kind-${kind}`}>
              <h3 id=${`kind-${kind}`}>${KIND_WORDS[kind]}</h3>
              ${gov.proposals
                .filter((p) => p.kind === kind)
                .map(
                  (p) =>
                    html`<${Proposal}
                      key=${String(p.id)}
                      p=${p}
                      gov=${gov}
                      height=${height}
                      blockTimeMs=${blockTimeMs}
                      voters=${voters}
                    />`,
                )}
            </section>`,
          )
    }
  </section>`;
}

function Proposal({
  p,
  gov,
  height,
  blockTimeMs,
  voters,
}: {
  p: ProposalInfo;
  gov: GovernanceInfo;
  height: bigint;
  blockTimeMs: number | null;
  voters: readonly Voter[];
}): VNode {
  const left = blocksLeft(p.votingEndHeight, height);
  const ms = estimateMs(left, blockTimeMs);
  const grownUp = gov.maturity === 'grown-up';
  const attestation =
    p.kind === 'software-upgrade' && p.planName !== undefined
      ? { required: grownUp, power: attestedPower(voters, p.planName, gov.attestations) }
      : undefined;
  return html`<article class="proposal" aria-labelledby=${`proposal-${p.id}`} data-testid="proposal">
    <h4 id=${`proposal-${p.id}`}>#${String(p.id)} ${p.title}</h4>
    <${Facts}
      rows=${[
        ['Kind', KIND_WORDS[p.kind]],
        ...(p.planName === undefined ? [] : [['Plan', html`<code>${p.planName}</code>`] as const]),
        // A parameter or validator-set change says what it would do as its canonical JSON (RPC-18).
        ...(p.content === undefined
          ? []
          : [
              [
                'What it does',
                html`<code>${p.content.case}</code> <code class="wrap">${JSON.stringify(p.content.value)}</code>`,
              ] as const,
            ]),
        ['Proposer', html`<${Short} hex=${p.proposer} />`],
        ['Deposit', html`<${Amount} value=${p.deposit} />`],
        ['Submitted at height', String(p.submitHeight)],
        ['Voting ends at height', String(p.votingEndHeight)],
        [
          'Remaining',
          html`<span data-testid="voting-left"
            >${blocksText(left)} left${ms === null ? '' : ` (${formatDuration(ms)})`}</span
          >`,
        ],
      ]}
    />
    <${Tally}
      id=${`tally-${p.id}`}
      kind=${p.kind}
      tally=${p.tally}
      rules=${gov.rules}
      attestation=${attestation}
      caption=${`Tally of proposal ${p.id} at height ${height}`}
    />
  </article>`;
}

const STATUS_WORDS: Record<GovernanceInfo['results'][number]['status'], string> = {
  passed: '✓ passed',
  rejected: '✗ rejected',
  vetoed: '✗ vetoed',
  'no-quorum': '✗ no quorum',
  failed: '⚠ failed',
};

export function ResultsSection({ gov }: { gov: GovernanceInfo }): VNode {
  const results = [...gov.results].reverse();
  return html`<section aria-labelledby="gov-results">
    <h2 id="gov-results">Recent results</h2>
    ${
      results.length === 0
        ? html`<p class="muted">No proposal has finished yet.</p>`
        : html`<table aria-labelledby="gov-results">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Title</th>
              <th scope="col">Outcome</th>
              <th scope="col">Ended at height</th>
              <th scope="col">Yes / no / abstain / veto of all</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            ${results.map(
              (r) => html`<tr key=${String(r.id)} data-testid="result-row">
                <td>${String(r.id)}</td>
                <td>${r.title}</td>
                <td class=${`status ${r.status}`}>${STATUS_WORDS[r.status]}</td>
                <td>${String(r.endHeight)}</td>
                <td>${`${r.tally.yes} / ${r.tally.no} / ${r.tally.abstain} / ${r.tally.veto} of ${r.tally.totalPower}`}</td>
                <td>${r.reason === '' ? '—' : html`<code>${r.reason}</code>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
    }
  </section>`;
}
