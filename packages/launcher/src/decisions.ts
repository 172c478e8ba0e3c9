/**
 * The launcher's decisions that a second implementation must make the same way (test-vectors/upgrade): pure
 * functions of their inputs, no clock, no disk. The rest of the launcher acts on what they decide.
 */
import type { Artifact, PlanDecision, ReleaseManifest, SignedManifest } from '@babychain/codec';
import { compareSigned, type SignedStep, walFileHeight } from '@babychain/consensus';
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
 * LCH-2, LCH-8: the failures that another attempt can cure (a source that fails, sends other bytes or is cut off; a
 * full disk; a local I/O error; a backup that could not be made), retried with a growing delay. Every other refusal is final for that plan's manifest: what the signers
 * signed, or the release they built, cannot change until governance schedules another.
 */
export function isRetried(code: string): boolean {
  return RETRIED.has(code);
}

const RETRIED: ReadonlySet<string> = new Set([
  LauncherErrorCode.DOWNLOAD_FAILED,
  LauncherErrorCode.DISK_FULL,
  LauncherErrorCode.IO_FAILED,
  LauncherErrorCode.BACKUP_FAILED,
  // LCH-9: the operator can register the right file; the next attempt reads it again
  LauncherErrorCode.ADDED_UPGRADE_REFUSED,
  ReleaseErrorCode.WRONG_SIZE,
  ReleaseErrorCode.DIGEST_MISMATCH,
]);

/** LCH-3's deadlines of one source; `SourceTiming` shortens them in tests only. */
export interface SourceTiming {
  /** no byte for this long abandons the source */
  readonly idleMs: number;
  /** the total deadline's fixed part */
  readonly baseMs: number;
  /** the slowest delivery the total deadline allows for, in bytes a second */
  readonly minBytesPerSecond: number;
}

export const SOURCE_TIMING: SourceTiming = Object.freeze({
  idleMs: 30_000,
  baseMs: 30_000,
  minBytesPerSecond: 131_072,
});

/**
 * LCH-3: how long one source (a URL, a peer) may take to deliver an artifact of `size` bytes: abandoned after
 * `idleMs` without a byte, or `totalMs` = base + size at the slowest allowed rate, whichever comes first. A trickle
 * of one byte a second never trips the first; the second bounds it.
 */
export function sourceDeadlines(size: bigint, t: SourceTiming = SOURCE_TIMING): { idleMs: number; totalMs: number } {
  const rate = BigInt(t.minBytesPerSecond);
  return { idleMs: t.idleMs, totalMs: t.baseMs + Number((size * 1000n + rate - 1n) / rate) };
}

/** What a launcher does first when it starts, given its journal (LCH-7). */
export type ResumeAction = 'run-current' | 'redo-switch' | 'watch-new' | 'finish-rollback' | 'stay-stopped';

/**
 * LCH-7: how a launcher resumes a switch it was killed in. Backing up only reads `data/`, so a backup cut short is
 * thrown away and the switch done again from the upgrade-info file. Once `current` may name the new release, the
 * new release is started and watched again: if it had committed the plan height, the watch ends at once. A
 * rollback cut short is finished, step by step. A release that failed with no backup to roll back to stays stopped
 * while it is the current one (`runsFailedRelease`); an operator who installed another runs that. Otherwise (no
 * journal, or a switch that ended) the current release runs.
 */
export function resumeAction(state: string | undefined, runsFailedRelease: boolean): ResumeAction {
  switch (state) {
    case 'pre-upgrade':
    case 'backing-up':
      return 'redo-switch';
    case 'switched':
    case 'watching':
      return 'watch-new';
    case 'rolling-back':
      return 'finish-rollback';
    case 'failed':
      return runsFailedRelease ? 'stay-stopped' : 'run-current';
    default:
      return 'run-current';
  }
}

/** A guard record as a rollback finds it: what it signed last, no file, or one that cannot be read. */
export type GuardRecord = SignedStep | 'absent' | 'corrupt';

/**
 * LCH-6: which guard file a rollback keeps, the backup's (`restored`) or the failed release's. The later one by
 * (height, round, step), so the guard never goes back; the failed release's when it cannot be read, so that the node
 * refuses to start rather than guess (CONS_GUARD_CORRUPT); the backup's when the failed release signed nothing.
 */
export function guardToKeep(restored: GuardRecord, failed: GuardRecord): 'restored' | 'failed' {
  if (failed === 'absent') return 'restored';
  if (failed === 'corrupt' || restored === 'absent' || restored === 'corrupt') return 'failed';
  return compareSigned(failed, restored) > 0 ? 'failed' : 'restored';
}

/** LCH-6: a rollback keeps the failed release's WAL file `name` when it is of the plan height or above. */
export function walFromFailed(name: string, planHeight: bigint): boolean {
  const height = walFileHeight(name);
  return height !== undefined && height >= planHeight;
}
