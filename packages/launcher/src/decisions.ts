/**
 * The launcher's decisions that a second implementation must make the same way (test-vectors/upgrade): pure
 * functions of their inputs, no clock, no disk. The rest of the launcher acts on what they decide.
 */
import type { Artifact, PlanDecision, ReleaseManifest, SignedManifest } from '@babychain/codec';
import { artifactFor, decidedManifestContext, ReleaseErrorCode, verifyManifest } from '@babychain/upgrade';
import { LauncherErrorCode, launcherError } from './errors.ts';

export interface ScheduledRelease {
  readonly manifest: ReleaseManifest;
  readonly artifact: Artifact;
}

/**
 * LCH-2 with UPG-8: the release of the scheduled plan `name` for `platform`, checked by REL-4 against the plan's
 * decision (never a clock, never the signer set in force later); the REL_ code of the first failure, or
 * LCH_NO_ARTIFACT when the manifest has no build for the platform.
 */
export function releaseForPlan(
  chainId: string,
  name: string,
  release: SignedManifest,
  decision: PlanDecision,
  platform: string,
): ScheduledRelease {
  const manifest = verifyManifest(release, decidedManifestContext(chainId, name, decision));
  const artifact = artifactFor(manifest, platform);
  if (artifact === undefined) {
    throw launcherError(
      LauncherErrorCode.NO_ARTIFACT,
      `release ${manifest.version} has no artifact for ${platform} (it has ${manifest.artifacts.map((a) => a.platform).join(', ')})`,
      { platform },
    );
  }
  return { manifest, artifact };
}

/**
 * LCH-3: the failures that another attempt can cure (a source that fails, sends other bytes or is cut off; a full
 * disk), retried with a growing delay. Every other refusal is final for that plan's manifest: what the signers
 * signed, or the release they built, cannot change until governance schedules another.
 */
export function isRetried(code: string): boolean {
  return RETRIED.has(code);
}

const RETRIED: ReadonlySet<string> = new Set([
  LauncherErrorCode.DOWNLOAD_FAILED,
  LauncherErrorCode.DISK_FULL,
  ReleaseErrorCode.WRONG_SIZE,
  ReleaseErrorCode.DIGEST_MISMATCH,
]);
