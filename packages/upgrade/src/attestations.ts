/**
 * UPG-7's attestations in the record: which plans one may vouch for, whether it names a plan's artifact, and the
 * record's order of them.
 */
import type { Attestation, GovState, Plan } from '@babychain/codec';
import { bytesEqual, compareBytes } from '@babychain/codec';

const utf8 = new TextEncoder();

/** UPG-7: the plans an attestation for `name` may vouch for: software upgrades in voting and the scheduled plan. */
export function attestablePlans(state: GovState, name: string): Plan[] {
  const plans: Plan[] = [];
  for (const p of state.proposals) {
    const plan = p.content?.case === 'softwareUpgrade' ? p.content.value.plan : undefined;
    if (plan !== undefined && plan.name === name) plans.push(plan);
  }
  if (state.plan !== undefined && state.plan.name === name) plans.push(state.plan);
  return plans;
}

/** the attestation is for `plan` and names one of its manifest's artifacts exactly */
export function attestationMatches(plan: Plan, a: Attestation): boolean {
  if (a.planName !== plan.name) return false;
  const artifacts = plan.release?.manifest?.artifacts ?? [];
  return artifacts.some((x) => x.platform === a.platform && bytesEqual(x.sha256, a.sha256));
}

/** The record's order of attestations: (plan_name, validator, platform) ascending; 0 means the same slot. */
export function compareAttestations(a: Attestation, b: Attestation): number {
  return (
    compareStrings(a.planName, b.planName) ||
    compareBytes(a.validator, b.validator) ||
    compareStrings(a.platform, b.platform)
  );
}

/** Bytewise order of the UTF-8 encodings, the same on every implementation. */
function compareStrings(a: string, b: string): number {
  return compareBytes(utf8.encode(a), utf8.encode(b));
}
