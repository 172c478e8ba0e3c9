/**
 * The scheduled plan (UPG-1): its countdown, the ready power against the threshold the switch needs (UPG-6), the
 * release manifest decoded with each signature verified here in the browser against the decision's signer set
 * (REL-3, UPG-8), and each validator's build attestation (UPG-7).
 */
import { type GovernanceInfo, inspectRelease, type PlanInfo, type ReleaseInspection } from '@babychain/client';
import type { VNode } from 'preact';
import { useMemo } from 'preact/hooks';
import { html } from '../html.ts';
import { percent } from '../share.ts';
import { ErrorBox, Facts, Short, Time } from '../ui.ts';
import {
  attestationsBy,
  blocksLeft,
  blocksText,
  estimateMs,
  formatDuration,
  fraction,
  meets,
  neededPower,
  type SectionProps,
  type Voter,
} from './model.ts';

export function PlanSection({ gov, height, blockTimeMs, voters }: SectionProps): VNode {
  const plan = gov.plan;
  return html`<section aria-labelledby="gov-plan">
    <h2 id="gov-plan">Scheduled upgrade</h2>
    ${
      plan === null
        ? html`<p class="muted" data-testid="no-plan">No upgrade is scheduled.</p>`
        : html`<${Plan} plan=${plan} gov=${gov} height=${height} blockTimeMs=${blockTimeMs} voters=${voters} />`
    }
  </section>`;
}

function Plan({
  plan,
  gov,
  height,
  blockTimeMs,
  voters,
}: {
  plan: PlanInfo;
  gov: GovernanceInfo;
  height: bigint;
  blockTimeMs: number | null;
  voters: readonly Voter[];
}): VNode {
  const left = blocksLeft(plan.height, height);
  const ms = estimateMs(left, blockTimeMs);
  const ready = gov.ready;
  const readyMet = meets(ready.power, ready.totalPower, gov.rules.ready);
  return html`<p>
      <strong data-testid="plan-name">${plan.name}</strong>${`: release ${plan.version}, app version ${plan.appVersion}, at height ${plan.height}.`}
    </p>
    <p class="countdown" data-testid="plan-countdown">
      ${
        left <= 1n
          ? `${blocksText(left)} left: height ${plan.height} is next, the first under release ${plan.version}; each node halts before it and its launcher switches (UPG-4)`
          : `${blocksText(left)} left to height ${plan.height}${ms === null ? '' : ` (${formatDuration(ms)} at the current block time)`}`
      }
    </p>
    <div class="rule">
      <label for="ready-meter">
        ${'Ready (UPG-6): '}<span data-testid="ready-power">${`${ready.power} / ${ready.totalPower}`}</span
        >${` voting power (${percent(ready.power, ready.totalPower)}), ${ready.validators.length} of ${voters.length} validators`}
      </label>
      <div class="meter-wrap">
        <meter
          id="ready-meter"
          min="0"
          max=${Number(ready.totalPower === 0n ? 1n : ready.totalPower)}
          value=${Number(ready.power)}
          aria-valuetext=${`${percent(ready.power, ready.totalPower)} ready, threshold more than ${fraction(gov.rules.ready)}`}
        ></meter>
        <span class="tick" aria-hidden="true" style=${{ left: `${(gov.rules.ready.numerator / gov.rules.ready.denominator) * 100}%` }}></span>
      </div>
      <span class=${readyMet ? 'verdict met' : 'verdict'} data-testid="ready-verdict">
        ${`${readyMet ? '✓ enough' : '○ not enough'}: the plan height commits once more than ${fraction(gov.rules.ready)} of the power (${neededPower(ready.totalPower, gov.rules.ready)}) runs the new release`}
      </span>
    </div>
    <${Release} plan=${plan} gov=${gov} />
    <${Validators} plan=${plan} gov=${gov} voters=${voters} />`;
}

function Release({ plan, gov }: { plan: PlanInfo; gov: GovernanceInfo }): VNode {
  const inspected = useMemo((): { ok: ReleaseInspection } | { error: unknown } => {
    try {
      return { ok: inspectRelease(plan.manifest, plan.decision.releaseSigners) };
    } catch (error) {
      return { error };
    }
  }, [plan.manifest, plan.decision.releaseSigners.join()]);
  if ('error' in inspected) return html`<${ErrorBox} error=${inspected.error} />`;
  const r = inspected.ok;
  const m = r.manifest;
  const d = plan.decision;
  const setChanged =
    d.releaseSigners.join() !== gov.releaseSigners.join() || d.releaseThreshold !== gov.releaseThreshold;
  return html`<h3 id="gov-manifest">Release manifest</h3>
    ${
      m === null
        ? html`<p class="error">The signed manifest carries no manifest.</p>`
        : html`<${Facts}
            rows=${[
              ['Version', m.version],
              ['App version (plan)', String(plan.appVersion)],
              ['Chain', m.chainId],
              ['Plan', m.planName],
              ['Source commit', html`<code>${m.sourceCommit}</code>`],
              ['Expires', html`<${Time} ms=${m.expiresMs} />`],
              ['URLs', html`<ul class="plain">${plan.urls.map((u) => html`<li key=${u}><code>${u}</code></li>`)}</ul>`],
            ]}
          />
          <table aria-labelledby="gov-manifest">
            <thead>
              <tr>
                <th scope="col">Platform</th>
                <th scope="col">sha256</th>
                <th scope="col">Size (bytes)</th>
                <th scope="col">Unpacked (bytes)</th>
              </tr>
            </thead>
            <tbody>
              ${m.artifacts.map(
                (a) => html`<tr key=${a.platform} data-testid="artifact-row">
                  <td>${a.platform}</td>
                  <td><code class="wrap">${a.sha256}</code></td>
                  <td>${String(a.size)}</td>
                  <td>${String(a.unpackedSize)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h3 id="gov-signatures">Signatures</h3>
    <p>
      ${`Checked in this browser against the signer set the plan was decided with (height ${d.height}, UPG-8): ${r.validInSet} valid ${r.validInSet === 1 ? 'signature' : 'signatures'} by signers in the set, threshold ${d.releaseThreshold} of ${d.releaseSigners.length}: `}
      <strong>${r.validInSet >= d.releaseThreshold && d.releaseThreshold >= 1 ? 'enough' : 'not enough'}</strong>.
      ${setChanged ? ' The signer set in force has changed since.' : ''}
    </p>
    <table aria-labelledby="gov-signatures">
      <thead>
        <tr>
          <th scope="col">Signer key</th>
          <th scope="col">Signature</th>
          <th scope="col">Release-signer set</th>
        </tr>
      </thead>
      <tbody>
        ${r.signatures.map(
          (s) => html`<tr key=${s.publicKey} data-testid="signature-row">
            <td><${Short} hex=${s.publicKey} /></td>
            <td class=${s.valid ? 'status passed' : 'status failed'}>
              ${s.valid ? '✓ valid' : html`✗ invalid <code>${s.problem}</code>`}
            </td>
            <td class=${s.inSignerSet ? 'status passed' : 'status failed'}>
              ${s.inSignerSet ? '✓ in the set' : '✗ not in the set'}
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">
      ${`Decided at height ${d.height} (`}<${Time} ms=${d.timeMs} />${`), above release ${d.versionInForce === '' ? '(none)' : d.versionInForce}.`}
    </p>`;
}

function Validators({ plan, gov, voters }: { plan: PlanInfo; gov: GovernanceInfo; voters: readonly Voter[] }): VNode {
  const artifacts = plan.artifacts;
  return html`<h3 id="gov-validators">Validators: ready and build attestations</h3>
    <table aria-labelledby="gov-validators">
      <thead>
        <tr>
          <th scope="col">Validator</th>
          <th scope="col">Power</th>
          <th scope="col">Ready</th>
          <th scope="col">Build attestation (UPG-7)</th>
        </tr>
      </thead>
      <tbody>
        ${voters.map((v) => {
          const isReady = gov.ready.validators.includes(v.voter);
          const attested = attestationsBy(v.voter, plan.name, gov.attestations, artifacts);
          return html`<tr key=${v.voter} data-testid="validator-row">
            <td>${v.name === '' ? html`<${Short} hex=${v.voter} />` : v.name}</td>
            <td>${String(v.power)}</td>
            <td class=${isReady ? 'status passed' : ''}>${isReady ? '✓ ready' : '○ not yet'}</td>
            <td>
              ${
                attested.length === 0
                  ? html`<span class="muted">none</span>`
                  : attested.map(
                      (a) => html`<div key=${a.platform}>
                        ${`${a.platform}: `}<span class=${a.matches ? 'status passed' : 'status failed'}
                          >${a.matches ? '✓ same sha256 as the manifest' : '✗ a different sha256 from the manifest'}</span
                        >${' '}<${Short} hex=${a.sha256} chars=${6} />
                      </div>`,
                    )
              }
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
}
